import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RundbriefCore
import RundbriefMail
import RundbriefStore
import RundbriefTestSupport
import Testing

@testable import RundbriefWeb

/// The sign-up form with several lists: two public ones and a private one.
@Suite struct ListChoiceTests {
    /// The real server on a real port, a real browser (Debian's chromium through Playwright) filling
    /// the form, the real SMTP transport into the aiosmtpd test server, and the SQLite file checked.
    @Test(.timeLimit(.minutes(2)))
    func oneSignUpForTwoPublicListsSendsOneMailThatConfirmsBoth() async throws {
        let smtp = try SMTPTestServer()
        defer { smtp.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-lists-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("rundbrief.sqlite").path)
        let news = try database.createList(slug: "aktuell", name: "Aktuelles aus dem Rathaus")
        let events = try database.createList(
            slug: "termine", name: "Termine", description: "Veranstaltungen im Kreis")
        try database.createList(slug: "intern", name: "Interne Mitteilungen", isPublic: false)
        let (web, transport) = try await WebHarness.liveWeb(database: database, smtpPort: smtp.port, label: "lists")
        let app = try web.makeApplication(address: .hostname("127.0.0.1", port: 0))

        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"

            // A browser reads the form, ticks both public lists, types the address and submits.
            let browser = try await Self.blocking {
                try run(["python3", "-c", Self.browserScript, base, "anna@example.org"])
            }
            let seen = try #require(
                try JSONSerialization.jsonObject(with: Data(browser.utf8)) as? [String: Any], "browser: \(browser)")
            #expect(seen["choices"] as? [String] == ["aktuell", "termine"])
            #expect(seen["legend"] as? String == "Welche Newsletter möchten Sie erhalten? (mindestens einer)")
            #expect(seen["mentionsPrivate"] as? Bool == false)
            #expect(seen["hasErrors"] as? Bool == false)
            #expect(seen["axe"] as? [String] == [])
            // Sent without a list: the choice is marked, the address kept, and the page stays accessible.
            #expect(seen["listError"] as? String == "Bitte wählen Sie mindestens einen Newsletter.")
            #expect(seen["axeWithError"] as? [String] == [])
            #expect((seen["answer"] as? String)?.contains("Postfach") == true)
            await web.web.signUps.idle()

            // One confirmation mail, naming both lists, read by Python's email package.
            let first = try #require(await smtp.waitForMessage(1))
            let confirmation = try await Self.blocking { try parseMail(first) }
            #expect(
                confirmation.subject
                    == "Bitte bestätigen Sie Ihre Anmeldung zu „Aktuelles aus dem Rathaus“ und „Termine“")
            let links = confirmation.body.split(whereSeparator: \.isNewline).filter { $0.contains("/confirm?token=") }
            #expect(links.count == 1)
            let anna = try #require(try database.subscriber(try EmailAddress("anna@example.org")))
            #expect(try await !database.isActive(subscriberID: anna.id!, lists: [news.id!]))

            // Its one link confirms both lists.
            let token = String(try #require(links.first).split(separator: "=", maxSplits: 1)[1])
            let landing = try await Self.fetch(["\(base)/confirm?token=\(token)"])
            #expect(landing.body.contains("„Aktuelles aus dem Rathaus“ und „Termine“"))
            let confirmed = try await Self.fetch(["-d", "token=\(token)", "\(base)/confirm"])
            #expect(confirmed.status == 200)
            #expect(try await database.isActive(subscriberID: anna.id!, lists: [news.id!, events.id!]))
            let detail = try database.subscriberDetail(try EmailAddress("anna@example.org"))
            #expect(detail.lists.map(\.list) == ["aktuell", "termine"])
            #expect(detail.lists.allSatisfy { $0.status == .active })

            // The welcome mail has an unsubscribe link for each list.
            let second = try #require(await smtp.waitForMessage(2))
            let welcome = try await Self.blocking { try parseMail(second) }
            #expect(welcome.body.contains("„Aktuelles aus dem Rathaus“: http://rundbrief.test/u/"))
            #expect(welcome.body.contains("„Termine“: http://rundbrief.test/u/"))

            // The private list: not offered, and refused as an unknown list is, storing nothing.
            #expect(try await Self.fetch(["\(base)/subscribe?list=intern"]).status == 404)
            let privateAnswer = try await Self.fetch([
                "-d", "email=eva@example.org", "-d", "list=intern", "-d", "list=aktuell", "\(base)/subscribe",
            ])
            let unknownAnswer = try await Self.fetch([
                "-d", "email=eva@example.org", "-d", "list=gibtsnicht", "-d", "list=aktuell", "\(base)/subscribe",
            ])
            #expect(privateAnswer.status == 400)
            #expect(privateAnswer.body == unknownAnswer.body)
            #expect(!privateAnswer.body.contains("Interne Mitteilungen"))
            let json = try await Self.fetch([
                "-H", "Content-Type: application/json", "-d", #"{"email":"eva@example.org","list":["intern"]}"#,
                "\(base)/subscribe",
            ])
            #expect(json.status == 400)
            #expect(json.body.contains("list"))
            await web.web.signUps.idle()
            #expect(try database.subscriber(try EmailAddress("eva@example.org")) == nil)
        }
        await transport.shutdown()
        // Only the confirmation and the welcome mail went out.
        let files = try FileManager.default.contentsOfDirectory(atPath: smtp.directory.path)
        #expect(files.filter { $0.hasSuffix(".eml") }.sorted() == ["1.eml", "2.eml"])
    }

    /// The form itself: checkboxes in a fieldset with a legend, `?list=` ticks one, no error shown
    /// until one is made, and a form sent without a list marks exactly the list choice.
    @Test func theChoiceIsAFieldsetOfCheckboxesAndNoListIsMarked() async throws {
        let harness = try await WebHarness(lists: [("aktuell", "Aktuelles aus dem Rathaus"), ("termine", "Termine")])
        try harness.database.createList(slug: "intern", name: "Interne Mitteilungen", isPublic: false)
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/subscribe?list=termine", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("<fieldset>"))
                #expect(html.contains("<legend>"))
                #expect(html.contains(#"<input type="checkbox" name="list" value="aktuell">"#))
                #expect(html.contains(#"<input type="checkbox" name="list" value="termine" checked>"#))
                #expect(!html.contains("intern"))
                #expect(!html.contains(#"type="hidden" name="list""#))
                #expect(!html.contains("Bitte prüfen"))
            }
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form,
                body: formBody([("email", "anna@example.org"), ("name", "Anna")])
            ) { response in
                #expect(response.status == .badRequest)
                let html = String(buffer: response.body)
                #expect(html.contains("Bitte prüfen Sie die markierten Angaben"))
                #expect(html.contains(#"<p id="list-error" class="error">"#))
                #expect(!html.contains("email-error"))
                #expect(html.contains(#"value="anna@example.org""#))
            }
            try await client.execute(
                uri: "/subscribe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"json@example.org","list":["aktuell","termine"]}"#)
            ) { response in
                #expect(response.status == .accepted)
            }
        }
        await harness.settled()
        let mails = try await harness.mails.wait(for: 1)
        #expect(mails.count == 1)
        #expect(
            try harness.database.subscriberDetail(try EmailAddress("json@example.org")).lists.map(\.list) == [
                "aktuell", "termine",
            ])
    }

    /// With one public list the form stays as it was: the list's name and a hidden field.
    @Test func aSinglePublicListNeedsNoChoice() async throws {
        let harness = try await WebHarness()
        try harness.database.createList(slug: "intern", name: "Interne Mitteilungen", isPublic: false)
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/subscribe", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<input type="hidden" name="list" value="aktuell">"#))
                #expect(html.contains("<strong>Aktuelles aus dem Rathaus</strong>"))
                #expect(!html.contains("<fieldset"))
                #expect(!html.contains("Interne"))
            }
            try await client.execute(
                uri: "/subscribe", method: .post, headers: .form, body: formBody([("email", "b@example.org")])
            ) { response in
                #expect(response.status == .ok)
            }
        }
        await harness.settled()
        #expect(try harness.membership("b@example.org") == .pending)
    }

    /// A private list's editions are never in the archive, not even by their address.
    @Test func aPrivateListIsNotInTheArchive() async throws {
        let harness = try await WebHarness()
        try harness.database.createList(slug: "intern", name: "Interne Mitteilungen", isPublic: false)
        let date = Date(timeIntervalSince1970: 1_756_375_200)
        for (slug, list) in [("oeffentlich", "aktuell"), ("vertraulich", "intern")] {
            let text = "---\nsubject: \"Ausgabe \(slug)\"\nlist: \(list)\narchive: true\n---\nText.\n"
            let source = try EditionSource(text: text, fileName: slug)
            try harness.database.saveEdition(
                Edition(
                    slug: slug, subject: source.subject, preheader: source.preheader, listSlug: source.list,
                    template: source.template, markdown: source.markdown, frontMatter: [:], source: text,
                    sourcePath: nil))
            let id = try harness.database.scheduleSend(edition: slug, list: list, at: date, now: date).id!
            _ = try await harness.database.startSend(id: id, now: date)
        }
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/archive", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Ausgabe oeffentlich"))
                #expect(!html.contains("vertraulich"))
                #expect(!html.contains("Interne Mitteilungen"))
            }
            for uri in ["/archive/intern", "/archive/intern/feed.atom", "/archive/intern/vertraulich"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }
        }
    }

    /// Reads the form, runs axe-core on it, submits it once without a list (the error state, axe again),
    /// then ticks both public lists and submits.
    static let browserScript = """
        import sys, json
        from playwright.sync_api import sync_playwright
        from axe_playwright_python.sync_playwright import Axe
        base, email = sys.argv[1], sys.argv[2]
        axe = Axe()
        def violations(page):
            return [v["id"] + ": " + str([n["target"] for n in v["nodes"]]) for v in axe.run(page).response["violations"]]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            # The pages' CSP allows no script: axe is injected past it.
            page = browser.new_context(locale="de-DE", bypass_csp=True).new_page()
            page.goto(base + "/subscribe")
            boxes = page.locator("input[type=checkbox][name=list]")
            seen = {
                "choices": [boxes.nth(i).get_attribute("value") for i in range(boxes.count())],
                "legend": " ".join(page.locator("fieldset legend").inner_text().split()),
                "mentionsPrivate": "Interne" in page.content(),
                "hasErrors": page.locator(".error").count() > 0,
                "axe": violations(page),
            }
            page.get_by_label("E-Mail-Adresse").fill(email)
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_load_state()
            seen["listError"] = page.locator("#list-error").inner_text()
            seen["axeWithError"] = violations(page)
            page.get_by_label("Aktuelles aus dem Rathaus").check()
            page.get_by_label("Termine").check()
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_load_state()
            seen["answer"] = page.locator("main").inner_text()
            browser.close()
        print(json.dumps(seen))
        """

    /// curl, on a thread of its own: a blocking call on the concurrency pool's two threads would leave
    /// the server under test (and the live tests beside this one) without a thread to answer.
    private static func fetch(_ arguments: [String]) async throws -> (status: Int, body: String) {
        try await Self.blocking { try curl(arguments) }
    }

    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
