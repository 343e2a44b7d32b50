import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's subscriber and bounce pages in a real browser (Playwright driving Debian's chromium)
/// against the real daemon: search, a person's page, an upload with a bad row, an erasure through its
/// confirmation page, bounces; an editor sees no form that changes something. axe-core on every page,
/// screenshots at desktop and phone width in `.build/console-screenshots`.
struct ConsolePeopleTests {
    @Test("search, open a person, import a CSV with a bad row, forget someone; editors read only; axe finds nothing")
    func subscribersAndBounces() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "active")
        try fixture.execute(
            """
            INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at)
              SELECT s.id, l.id, 'active', '2025-01-01', '2025-01-01' FROM subscribers s, lists l;
            INSERT INTO bounces (subscriber_id, kind, source, status, diagnostic, verified, created_at)
              SELECT id, 'hard', 'dsn', '5.1.1', '550 5.1.1 user unknown', 1, '2026-11-30 10:00:00'
              FROM subscribers WHERE email = 'ben@example.de';
            """)
        for (email, role) in [("ada@example.de", "admin"), ("eddi@example.de", "editor")] {
            let added = try fixture.run(
                ["users", "add", email, "--role", role, "--password-stdin"], input: Data("ein langes Passwort\n".utf8))
            #expect(added.status == 0, "\(added.stderr)")
        }
        let csv = fixture.directory.appendingPathComponent("presse.csv")
        try Data("email;name\ncarla@example.de;Carla\nkein-at-zeichen;Niemand\ndieter@example.de;Dieter\n".utf8)
            .write(to: csv)
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let shots = ConsoleBrowserTests.packageRoot.appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3",
                ConsoleBrowserTests.packageRoot.appendingPathComponent("Tests/Support/console_people.py").path,
                "http://127.0.0.1:\(port)", "ada@example.de", "ein langes Passwort", "eddi@example.de",
                "ein langes Passwort", csv.path, shots.path,
            ])
        let report = try #require(
            try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]],
            "browser: \(result.stdout)\n\(result.stderr.suffix(3_000))")
        let seen = report["seen"] ?? [:]
        #expect(seen["admin search heading"] as? String == "Abonnenten")
        #expect(seen["admin forms"] as? Int == 3)
        #expect((seen["search rows"] as? [String])?.count == 1)
        #expect((seen["search rows"] as? [String])?.first?.contains("ben@example.de") == true)
        #expect(seen["person heading"] as? String == "ben@example.de")
        #expect((seen["person lists"] as? [String])?.first?.contains("news") == true)
        #expect(seen["import heading"] as? String == "Import von presse.csv in news")
        let lines = seen["import lines"] as? [[String]]
        #expect(
            lines?.map { $0.prefix(3) }.map(Array.init) == [
                ["2", "carla@example.de", "aufgenommen"], ["3", "", "abgelehnt"],
                ["4", "dieter@example.de", "aufgenommen"],
            ])
        #expect(lines?[1].last?.contains("ungültige Adresse") == true, "\(lines ?? [])")
        #expect(seen["forget heading"] as? String == "anna@example.de löschen?")
        #expect((seen["after forget"] as? String)?.contains("gelöscht") == true)
        #expect(seen["anna after forget"] as? Int == 0)
        #expect((seen["bounce rows"] as? [String])?.first?.contains("ben@example.de") == true)
        #expect((seen["bounce rows"] as? [String])?.first?.contains("user unknown") == true)
        #expect(seen["editor search heading"] as? String == "Subscribers")
        #expect(seen["editor forms"] as? Int == 0)
        #expect(seen["editor person forms"] as? Int == 0)
        #expect(seen["editor person erase links"] as? Int == 0)
        #expect(seen["editor forget page"] as? Int == 403)

        // The file agrees: the good rows are in, the erased person is gone.
        #expect(
            try AdminCommandTests.query(fixture, "SELECT group_concat(email, ' ') FROM subscribers ORDER BY id")
                == "ben@example.de carla@example.de dieter@example.de")
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT count(*) FROM events WHERE kind = 'subscribers.imported' AND source = 'console' AND json_extract(detail, '$.actor') = 'ada@example.de'"
            ) == "1")

        let violations = report["violations"] ?? [:]
        #expect(
            Set(violations.keys) == [
                "subscribers", "subscriber", "subscriber, name and attributes form open", "import results", "forget",
                "bounces", "subscribers (editor)",
                "subscriber (editor)", "bounces (editor)",
            ])
        for (page, found) in violations.sorted(by: { $0.key < $1.key }) {
            #expect((found as? [String])?.isEmpty == true, "\(page): \(found)")
        }
        for name in ["subscribers", "subscriber", "import-results", "forget", "bounces", "subscribers-editor"] {
            for width in ["desktop", "phone"] {
                #expect(
                    FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name)-\(width).png").path))
            }
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test(
        "console forms over HTTP: an upload over 10 MB is 413 with a readable message, no CSRF is 403, an editor is refused; nothing changes"
    )
    func refusals() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de"], status: "active")
        let (daemon, signIn) = try await Self.adminAndEditor(fixture)
        let admin = try signIn("ada@example.de")
        let page = try admin.get("/subscribers")
        let csrf = try #require(HTTPClient.hiddenField("csrf", in: page.body))
        let csv = fixture.directory.appendingPathComponent("neu.csv")
        try Data("email\nneu@example.de\n".utf8).write(to: csv)
        let big = fixture.directory.appendingPathComponent("gross.csv")
        #expect(FileManager.default.createFile(atPath: big.path, contents: Data(count: 12 << 20)))
        func upload(_ fields: [String], jar: String? = nil) throws -> (status: Int, body: String) {
            let result = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/curl"),
                ["-s", "-b", jar ?? admin.client.cookieJar!, "-H", "Accept-Language: de", "-w", "\n%{http_code}"]
                    + fields.flatMap { ["-F", $0] } + ["\(admin.base)/subscribers/import"])
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
        let tooLarge = try upload(["csrf=\(csrf)", "list=news", "file=@\(big.path);type=text/csv"])
        #expect(tooLarge.status == 413)
        #expect(tooLarge.body.contains("höchstens 10 MB"))
        let noToken = try upload(["list=news", "file=@\(csv.path);type=text/csv"])
        #expect(noToken.status == 403)
        let noFile = try upload(["csrf=\(csrf)", "list=news"])
        #expect(noFile.status == 422)
        #expect(noFile.body.contains("Bitte wählen Sie eine CSV-Datei aus."))
        // An upload cut off before its closing boundary (a dropped connection, a proxy) is named as such,
        // not taken for an expired form, even with a valid token; nothing of it is imported.
        let cut = fixture.directory.appendingPathComponent("abgeschnitten.txt")
        try Data(
            ("--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nemail\nteil@example.de\n")
                .utf8
        ).write(to: cut)
        let truncated = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/curl"),
            [
                "-s", "-b", admin.client.cookieJar!, "-H", "Accept-Language: de", "-w", "\n%{http_code}",
                "-H", "Content-Type: multipart/form-data; boundary=XyZ", "--data-binary", "@\(cut.path)",
                "\(admin.base)/subscribers/import",
            ])
        #expect(truncated.stdout.hasSuffix("\n400"), "\(truncated.stdout.suffix(300))")
        #expect(truncated.stdout.contains("nicht vollständig angekommen"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "1")
        let good = try upload(["csrf=\(csrf)", "list=news", "file=@\(csv.path);type=text/csv"])
        #expect(good.status == 200)
        #expect(good.body.contains("neu@example.de"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "2")

        // Forgetting needs the confirmation's field; without it nothing is erased.
        let id = try AdminCommandTests.query(fixture, "SELECT id FROM subscribers WHERE email = 'anna@example.de'")
        let unconfirmed = try admin.post("/subscribers/\(id)/forget", [("csrf", csrf)])
        #expect(unconfirmed.status == 400)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "2")

        // An editor posting an admin form by hand is refused in German; nothing is added.
        let editor = try signIn("eddi@example.de")
        let editorToken = try #require(HTTPClient.hiddenField("csrf", in: try editor.get("/subscribers").body))
        let refused = try editor.post(
            "/subscribers/add", [("csrf", editorToken), ("email", "x@example.de"), ("list", "news")])
        #expect(refused.status == 403)
        #expect(refused.body.contains("Nur Administratorinnen und Administratoren dürfen Abonnenten hinzufügen."))
        #expect(
            try editor.post("/subscribers/\(id)/forget", [("csrf", editorToken), ("confirm", "yes")]).status == 403)
        // An editor's upload is refused before it is read: even one over the limit gets 403, not 413.
        let editorUpload = try upload(
            ["csrf=\(editorToken)", "list=news", "file=@\(big.path);type=text/csv"], jar: editor.client.cookieJar!)
        #expect(editorUpload.status == 403)
        #expect(editorUpload.body.contains("Nur Administratorinnen und Administratoren dürfen Abonnenten importieren"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "2")

        // The German results page gives each line's reason in German.
        let mixed = fixture.directory.appendingPathComponent("gemischt.csv")
        try Data("email\nkaputt-ohne-at\nzwei@example.de\nzwei@example.de\nanna@example.de;x@example.de\n".utf8)
            .write(to: mixed)
        let results = try upload(["csrf=\(csrf)", "list=news", "file=@\(mixed.path);type=text/csv"])
        #expect(results.status == 200)
        #expect(results.body.contains("ungültige Adresse: es fehlt das @"), "\(results.body)")
        #expect(results.body.contains("doppelt, wie Zeile 3"))
        #expect(results.body.contains("ungültige Adresse: enthält mehr als eine Adresse"))
        #expect(!results.body.contains("duplicate of line") && !results.body.contains("invalid address"))
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "3")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test(
        "an admin corrects a name and the attributes on a person's page; a line without '=' is refused in German and changes nothing; an editor may not"
    )
    func editNameAndAttributes() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["jana@stadt-unna.example"], status: "active")
        let (daemon, signIn) = try await Self.adminAndEditor(fixture)
        let id = try AdminCommandTests.query(
            fixture, "SELECT id FROM subscribers WHERE email = 'jana@stadt-unna.example'")
        func stored() throws -> String {
            try AdminCommandTests.query(
                fixture, "SELECT name || ' | ' || attributes FROM subscribers WHERE id = \(id)")
        }
        let before = try stored()

        let admin = try signIn("ada@example.de")
        let page = try admin.get("/subscribers/\(id)")
        #expect(page.body.contains("Name und Merkmale ändern"))
        let csrf = try #require(HTTPClient.hiddenField("csrf", in: page.body))
        // A line without "=" is refused with the line's number, in German; nothing changes.
        let refused = try admin.post(
            "/subscribers/\(id)/edit",
            [("csrf", csrf), ("name", "Jana Müller"), ("attributes", "kommune = Unna\nPresse")])
        #expect(refused.status == 422)
        #expect(refused.body.contains("Zeile 2 der Merkmale hat kein „=“"))
        #expect(try stored() == before)
        // Without the form's token nothing changes either.
        #expect(try admin.post("/subscribers/\(id)/edit", [("name", "Fremd")]).status == 403)
        #expect(try stored() == before)

        let saved = try admin.post(
            "/subscribers/\(id)/edit",
            [
                ("csrf", csrf), ("name", "Jana Müller"),
                ("attributes", "Kommune = Unna\r\n\r\nrolle = Presse & Öffentlichkeit"),
            ])
        #expect(saved.status == 303)
        #expect(try stored() == #"Jana Müller | {"kommune":"Unna","rolle":"Presse & Öffentlichkeit"}"#)
        let shown = try admin.get("/subscribers/\(id)?done=updated").body
        #expect(shown.contains("Gespeichert."))
        #expect(shown.contains("rolle = Presse &amp; Öffentlichkeit"))
        // Taking a line out removes that attribute.
        #expect(
            try admin.post(
                "/subscribers/\(id)/edit", [("csrf", csrf), ("name", "Jana Müller"), ("attributes", "kommune = Unna")]
            )
            .status == 303)
        #expect(try stored() == #"Jana Müller | {"kommune":"Unna"}"#)

        // An editor sees no form, and posting one by hand is refused in German.
        let editor = try signIn("eddi@example.de")
        let editorPage = try editor.get("/subscribers/\(id)").body
        #expect(!editorPage.contains("Name und Merkmale ändern"))
        let editorToken = try #require(HTTPClient.hiddenField("csrf", in: try editor.get("/subscribers").body))
        let editorEdit = try editor.post(
            "/subscribers/\(id)/edit", [("csrf", editorToken), ("name", "Eddi war hier"), ("attributes", "")])
        #expect(editorEdit.status == 403)
        #expect(editorEdit.body.contains("Nur Administratorinnen und Administratoren dürfen Abonnenten ändern."))
        #expect(try stored() == #"Jana Müller | {"kommune":"Unna"}"#)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    /// An admin (ada@) and an editor (eddi@), the daemon, and a sign-in for either over HTTP.
    static func adminAndEditor(_ fixture: OpsFixture) async throws -> (
        DaemonProcess, (String) throws -> ConsoleSignInTests.Browser
    ) {
        for (email, role) in [("ada@example.de", "admin"), ("eddi@example.de", "editor")] {
            let added = try fixture.run(
                ["users", "add", email, "--role", role, "--password-stdin"], input: Data("ein langes Passwort\n".utf8))
            #expect(added.status == 0, "\(added.stderr)")
        }
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let signIn = { (email: String) throws -> ConsoleSignInTests.Browser in
            let browser = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
            let token = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
            let answer = try browser.post(
                "/sign-in", [("csrf", token), ("email", email), ("password", "ein langes Passwort")])
            #expect(answer.status == 303)
            return browser
        }
        return (daemon, signIn)
    }
}
