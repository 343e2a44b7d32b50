import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RundbriefCore
import RundbriefStore
import Testing

@testable import RundbriefWeb

/// The web archive served by the real server on a real port, read with curl, and its Atom feed
/// fetched and parsed by Python's `feedparser`.
@Suite struct ArchiveTests {
    static let samplePath = WebHarness.repositoryRoot + "/templates/examples/interkommunales-nrw-newsletter-III-2025.md"

    /// A database file with the sample edition (archived) and two more editions of the same list.
    struct Archive {
        let directory: URL
        let database: AppDatabase
        let configuration: Configuration

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-archive-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            database = try AppDatabase(path: directory.appendingPathComponent("rundbrief.sqlite").path)
            _ = try database.createList(slug: "interkommunales-nrw", name: "Interkommunales.NRW")
            var configuration = Configuration()
            configuration.templates.directory = WebHarness.repositoryRoot + "/templates"
            configuration.http.baseURL = "https://news.example.nrw"
            configuration.sender.name = "Geschäftsstelle IKZ"
            configuration.sender.address = "newsletter@example.nrw"
            configuration.sender.imprintURL = "https://www.example.nrw/impressum"
            configuration.sender.privacyURL = "https://www.example.nrw/datenschutz"
            configuration.sender.contactEmail = "ikz@xn--gemeinde-bren-5ob.de"
            self.configuration = configuration
            try add(
                try String(contentsOfFile: ArchiveTests.samplePath, encoding: .utf8),
                slug: "interkommunales-nrw-newsletter-III-2025")
            try add(
                "---\nsubject: \"Interne Ausgabe\"\nlist: interkommunales-nrw\n---\nNur für den Verteiler.\n",
                slug: "intern")
            try add(
                "---\nsubject: \"Ausgabe IV/2025\"\nlist: interkommunales-nrw\narchive: true\n---\nKommt bald.\n",
                slug: "ausgabe-4")
        }

        func add(_ text: String, slug: String) throws {
            let source = try EditionSource(text: text, fileName: slug)
            try database.saveEdition(
                Edition(
                    slug: slug, subject: source.subject, preheader: source.preheader, listSlug: source.list,
                    template: source.template, markdown: source.markdown, frontMatter: [:], source: text,
                    sourcePath: nil))
        }

        /// Schedules `slug` and, unless `start` is false, starts the send at `at`.
        @discardableResult
        func send(_ slug: String, at date: Date, start: Bool = true) async throws -> Int64 {
            let id = try database.scheduleSend(edition: slug, list: "interkommunales-nrw", at: date, now: date).id!
            if start { _ = try await database.startSend(id: id, now: date) }
            return id
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    private func application(_ archive: Archive) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "archive")
        logger.logLevel = .critical
        let web = try await WebApplication(
            configuration: archive.configuration, database: archive.database,
            signer: TokenSigner(keys: [WebHarness.tokenKey]), send: { _, _, _ in }, logger: logger)
        return try web.makeApplication(address: .hostname("127.0.0.1", port: 0))
    }

    /// curl with the response headers: status, headers (lower-cased names) and body.
    private func fetch(_ url: String, _ extra: [String] = []) async throws -> (
        status: Int, headers: [String: String], body: String
    ) {
        let output = try await blocking { try run(["curl", "-s", "-D", "-", "--compressed"] + extra + [url]) }
        guard let split = output.range(of: "\r\n\r\n") else { return (0, [:], "") }
        let lines = output[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return (status, headers, String(output[split.upperBound...]))
    }

    /// Runs `work` on a thread of its own: curl and Python block, and the server under test needs the
    /// concurrency pool's few threads to answer them.
    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func archiveListsStartedArchivedEditionsAndServesThemWithoutPersonalData() async throws {
        let archive = try Archive()
        defer { archive.remove() }
        let august = Date(timeIntervalSince1970: 1_756_375_200)  // 2025-08-28 10:00 UTC
        try await archive.send("interkommunales-nrw-newsletter-III-2025", at: august)
        try await archive.send("intern", at: august + 3_600)
        try await archive.send("ausgabe-4", at: august + 86_400 * 30, start: false)
        // An edit after the start does not change the edition as sent.
        try archive.add(
            try String(contentsOfFile: Self.samplePath, encoding: .utf8)
                .replacingOccurrences(of: "Sehr geehrte Damen und Herren", with: "Liebe Leute"),
            slug: "interkommunales-nrw-newsletter-III-2025")
        let app = try await application(archive)

        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            // The index: only the started, archived edition.
            let index = try await fetch("\(base)/archive", ["-H", "Accept-Language: de"])
            #expect(index.status == 200)
            #expect(index.body.contains("<h1>Newsletter-Archiv</h1>"))
            #expect(index.body.contains("Newsletter III/2025 – Interkommunales.NRW"))
            #expect(index.body.contains("28. August 2025"))
            #expect(
                index.body.contains(
                    "href=\"https://news.example.nrw/archive/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025\""
                ))
            #expect(!index.body.contains("Interne Ausgabe"))
            #expect(!index.body.contains("Ausgabe IV/2025"))
            // Cacheable, and revalidated by its ETag.
            #expect(index.headers["cache-control"] == "public, max-age=300")
            #expect(index.headers["last-modified"] == "Thu, 28 Aug 2025 10:00:00 GMT")
            let etag = try #require(index.headers["etag"])
            let again = try await fetch(
                "\(base)/archive", ["-H", "Accept-Language: de", "-H", "If-None-Match: \(etag)"])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            // In English too.
            let english = try await fetch("\(base)/archive", ["-H", "Accept-Language: en"])
            #expect(english.body.contains("<h1>Newsletter archive</h1>"))
            #expect(english.body.contains("28 August 2025"))
            #expect(english.headers["etag"] != etag)
            #expect(try await fetch("\(base)/archive/interkommunales-nrw").status == 200)
            #expect(try await fetch("\(base)/archive/gibt-es-nicht").status == 404)

            // The edition as sent, for nobody: no name, address, token or unsubscribe link.
            let editionURL = "\(base)/archive/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025"
            let edition = try await fetch(editionURL)
            #expect(edition.status == 200)
            #expect(edition.body.contains("Sehr geehrte Damen und Herren"))
            #expect(!edition.body.contains("Liebe Leute"))
            #expect(edition.body.contains("Webversion des Newsletters „Interkommunales.NRW“"))
            #expect(edition.body.contains("href=\"https://www.example.nrw/impressum\""))
            #expect(edition.body.contains("ikz@gemeinde-büren.de"))
            for personal in [
                "token", "unsubscribe", "abbestellen", "Sie erhalten diese E-Mail", "Erika", "@example.net",
            ] {
                #expect(!edition.body.contains(personal), "the web version contains \(personal)")
            }
            #expect(edition.body.unicodeScalars.allSatisfy { $0 != "\u{E000}" && $0 != "\u{E001}" })
            #expect(edition.headers["content-security-policy"]?.contains("style-src 'unsafe-inline'") == true)
            #expect(edition.headers["content-security-policy"]?.contains("script-src") == false)
            #expect(edition.headers["cache-control"] == "public, max-age=300")
            #expect(edition.headers["etag"] != nil)

            // Not archived, or not started: no page.
            #expect(try await fetch("\(base)/archive/interkommunales-nrw/intern").status == 404)
            #expect(try await fetch("\(base)/archive/interkommunales-nrw/ausgabe-4").status == 404)
            // Once its send starts, it appears.
            let sends = try archive.database.sendReports().map(\.send).filter { $0.status == .scheduled }
            _ = try await archive.database.startSend(id: try #require(sends.first?.id), now: august + 86_400 * 30)
            #expect(try await fetch("\(base)/archive/interkommunales-nrw/ausgabe-4").status == 200)
            let newest = try await fetch("\(base)/archive")
            let positions = ["Ausgabe IV/2025", "Newsletter III/2025"].map {
                newest.body.range(of: $0)?.lowerBound
            }
            #expect(positions[0] != nil && positions[1] != nil && positions[0]! < positions[1]!, "newest first")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func theFeedIsValidAtomForFeedparser() async throws {
        let archive = try Archive()
        defer { archive.remove() }
        let august = Date(timeIntervalSince1970: 1_756_375_200)
        try await archive.send("interkommunales-nrw-newsletter-III-2025", at: august)
        try await archive.send("ausgabe-4", at: august + 86_400)
        try await archive.send("intern", at: august + 2 * 86_400)
        _ = try archive.database.createList(slug: "leer", name: "Noch leer")
        let app = try await application(archive)

        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let feedURL = "\(base)/archive/interkommunales-nrw/feed.atom"
            let head = try await fetch(feedURL)
            #expect(head.status == 200)
            #expect(head.headers["content-type"] == "application/atom+xml; charset=utf-8")
            #expect(head.headers["etag"] != nil)
            // Python fetches the feed over HTTP and feedparser reads it.
            let script = """
                import sys, json, urllib.request, feedparser
                body = urllib.request.urlopen(sys.argv[1]).read()
                feed = feedparser.parse(body)
                print(json.dumps({
                    "bozo": feed.bozo, "version": feed.version, "title": feed.feed.title,
                    "id": feed.feed.id, "updated": feed.feed.updated, "author": feed.feed.get("author", ""),
                    "self": [l.href for l in feed.feed.links if l.rel == "self"],
                    "entries": [{"title": e.title, "link": e.link, "id": e.id, "published": e.published,
                                 "summary": e.get("summary", ""), "content": e.content[0].value}
                                for e in feed.entries],
                }))
                """
            let output = try await blocking { try run(["python3", "-c", script, feedURL]) }
            let feed = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect(feed["bozo"] as? Bool == false)
            #expect(feed["version"] as? String == "atom10")
            #expect(feed["title"] as? String == "Interkommunales.NRW")
            #expect(feed["id"] as? String == "https://news.example.nrw/archive/interkommunales-nrw")
            #expect(feed["updated"] as? String == "2025-08-29T10:00:00Z")
            #expect(feed["self"] as? [String] == ["https://news.example.nrw/archive/interkommunales-nrw/feed.atom"])
            let entries = try #require(feed["entries"] as? [[String: String]])
            #expect(entries.map { $0["title"] } == ["Ausgabe IV/2025", "Newsletter III/2025 – Interkommunales.NRW"])
            #expect(
                entries.last?["link"]
                    == "https://news.example.nrw/archive/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025")
            #expect(entries.last?["published"] == "2025-08-28T10:00:00Z")
            #expect(feed["author"] as? String == "Geschäftsstelle IKZ")
            #expect(entries.last?["summary"]?.hasPrefix("Vorträge der Jahrestagung online") == true)
            #expect(entries.last?["content"]?.contains("Sehr geehrte Damen und Herren") == true)
            #expect(try await fetch("\(base)/archive/gibt-es-nicht/feed.atom").status == 404)
            // A list with nothing archived yet has an empty feed and page, not an error.
            let empty = try await fetch("\(base)/archive/leer/feed.atom")
            #expect(empty.status == 200)
            #expect(
                empty.body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"") && !empty.body.contains("<entry>"))
            #expect(try await fetch("\(base)/archive/leer").body.contains("Noch keine Ausgabe im Archiv."))
        }
    }

    /// axe-core (through axe-playwright-python in Debian's chromium; nothing is downloaded) finds no
    /// accessibility violation on the sign-up form, the archive, an edition's web version and an error page.
    @Test(.timeLimit(.minutes(2)))
    func axeFindsNoViolationOnThePublicPages() async throws {
        let archive = try Archive()
        defer { archive.remove() }
        try await archive.send(
            "interkommunales-nrw-newsletter-III-2025", at: Date(timeIntervalSince1970: 1_756_375_200))
        let app = try await application(archive)
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let pages = [
                ("de-DE", "/subscribe"), ("en-GB", "/subscribe?list=interkommunales-nrw"), ("de-DE", "/archive"),
                ("en-GB", "/archive"),
                ("de-DE", "/archive/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025"),
                ("de-DE", "/gibt-es-nicht"),
            ]
            let script = """
                import sys, json
                from playwright.sync_api import sync_playwright
                from axe_playwright_python.sync_playwright import Axe
                axe, found = Axe(), {}
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                    for argument in sys.argv[2:]:
                        locale, path = argument.split(" ", 1)
                        # The pages' CSP allows no script: axe is injected past it.
                        context = browser.new_context(bypass_csp=True, locale=locale)
                        page = context.new_page()
                        page.goto(sys.argv[1] + path)
                        violations = axe.run(page).response["violations"]
                        found[argument] = [v["id"] + ": " + v["help"] + " " + str([n["target"] for n in v["nodes"]])
                                           for v in violations]
                        context.close()
                    browser.close()
                print(json.dumps(found))
                """
            let output = try await blocking {
                try run(["python3", "-c", script, base] + pages.map { "\($0.0) \($0.1)" })
            }
            let found = try #require(
                try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String]], "axe: \(output)")
            #expect(found.count == pages.count)
            for (page, violations) in found.sorted(by: { $0.key < $1.key }) {
                #expect(violations.isEmpty, "\(page): \(violations)")
            }
        }
    }

    @Test func everyPageShowsWhoRunsItAndTheSignUpFormSaysWhatIsStored() async throws {
        let harness = try await WebHarness { configuration in
            configuration.sender.name = "Gemeinde Büren"
            configuration.sender.contactEmail = "info@xn--gemeinde-bren-5ob.de"
            configuration.sender.imprintURL = "https://www.example.org/impressum"
            configuration.sender.privacyURL = "https://www.example.org/datenschutz"
        }
        try await harness.web.makeApplication().test(.router) { client in
            for (path, language) in [
                ("/subscribe", "de"), ("/subscribe", "en"), ("/unsubscribe?token=x", "de"),
                ("/archive", "en"), ("/gibt-es-nicht", "de"),
            ] {
                try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: language]) { response in
                    let body = String(buffer: response.body)
                    let footer = try #require(body.components(separatedBy: "<footer>").dropFirst().first, "\(path)")
                    #expect(footer.contains("Gemeinde Büren"), "\(path)")
                    #expect(footer.contains("href=\"mailto:info@xn--gemeinde-bren-5ob.de\">info@gemeinde-büren.de</a>"))
                    #expect(footer.contains("href=\"https://www.example.org/impressum\""), "\(path)")
                    #expect(footer.contains("href=\"https://www.example.org/datenschutz\""), "\(path)")
                }
            }
            try await client.execute(uri: "/subscribe", method: .get, headers: [.acceptLanguage: "de"]) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("Datenschutzhinweis: Wir speichern Ihre E-Mail-Adresse"))
                #expect(body.contains("Verantwortlich ist Gemeinde Büren."))
            }
            try await client.execute(uri: "/subscribe", method: .get, headers: [.acceptLanguage: "en"]) { response in
                #expect(String(buffer: response.body).contains("Data protection: we store your email address"))
            }
        }
        let custom = try await WebHarness {
            $0.web.privacyNotice = "Wir speichern nur Ihre Adresse <und> sonst nichts."
        }
        try await custom.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/subscribe", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("Wir speichern nur Ihre Adresse &lt;und&gt; sonst nichts."))
                #expect(!body.contains("Datenschutzhinweis: Wir speichern Ihre E-Mail-Adresse"))
            }
        }
    }
}
