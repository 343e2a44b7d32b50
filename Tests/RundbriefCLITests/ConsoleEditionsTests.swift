import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's editions pages in a real browser (Playwright driving Debian's chromium) against the real
/// daemon and `smtp_server.py`: write with a live preview, save, test-send, a stale save refused, a round
/// trip without script, removal; axe-core on every page, screenshots in `.build/console-screenshots`.
struct ConsoleEditionsTests {
    @Test("write an edition with a live preview, test-send it, a stale save is refused, remove it; axe finds nothing")
    func editionsInTheBrowser() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let fixture = try SendGuardTests.fixture(subscribers: [], smtpPort: server.port)
        defer { fixture.remove() }
        for (email, name) in [("anna@example.de", "Anna"), ("ben@example.de", "Ben")] {
            let added = try fixture.run(
                ["users", "add", email, "--role", "editor", "--name", name, "--password-stdin"],
                input: Data("\(name)s langes Passwort\n".utf8))
            #expect(added.status == 0, "\(added.stderr)")
        }
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let shots = ConsoleBrowserTests.packageRoot.appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3",
                ConsoleBrowserTests.packageRoot.appendingPathComponent("Tests/Support/console_editions.py").path,
                "http://127.0.0.1:\(port)", server.directory.path, shots.path, "anna@example.de",
                "Annas langes Passwort",
                "ben@example.de", "Bens langes Passwort",
            ])
        let report = try #require(
            try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]],
            "browser: \(result.stdout)\n\(result.stderr.suffix(3_000))")
        let seen = report["seen"] ?? [:]
        #expect(seen["error"] == nil, "\(seen["error"] ?? "")")
        #expect(seen["list heading"] as? String == "Ausgaben")
        #expect(seen["variables"] as? [String] == ["{{name}}", "{{email}}"])
        #expect(seen["preview while typing"] as? Bool == true)
        #expect((seen["preview frame src"] as? String)?.hasPrefix("/previews/") == true)
        #expect(seen["preview follows typing"] as? Bool == true)
        #expect(seen["saved"] as? String == "Gespeichert.")
        #expect(seen["saved preview"] as? Bool == true)
        #expect(seen["phone frame width"] as? Double == 375)
        #expect(seen["text view visible"] as? Bool == true)
        #expect((seen["text view"] as? String)?.contains("Hallo Erika Mustermann") == true)
        #expect((seen["test results"] as? [String])?.count == 2)
        #expect(
            (seen["test results"] as? [String])?.allSatisfy { $0.hasPrefix("Verschickt an ") } == true,
            "\(seen["test results"] ?? "")")
        #expect(
            (seen["mails"] as? [[String]])?.map { $0[0] } == ["[TEST] Frühjahr 2026", "[TEST] Frühjahr 2026"])
        #expect(
            (seen["mails"] as? [[String]])?.map { $0[1] } == ["pressestelle@kreis.example", "redaktion@kreis.example"])
        #expect(seen["eleven addresses"] as? String == "Ein Test geht an höchstens 10 Adressen (angegeben: 11).")
        #expect(try server.messageCount() == 2)
        #expect(seen["stale save status"] as? Int == 409)
        let stale = seen["stale save"] as? String ?? ""
        #expect(stale.hasPrefix("Diese Ausgabe wurde nach dem Öffnen von ben@example.de geändert ("), "\(stale)")
        #expect(stale.hasSuffix("Bitte laden Sie sie neu und übernehmen Sie Ihre Änderungen noch einmal."))
        #expect(seen["text kept"] as? String == "Annas Fassung, die Bens Änderung nicht kennt.")
        #expect(seen["round trip preview"] as? Bool == true)
        #expect(seen["confirm heading"] as? String == "Ausgabe entfernen?")
        #expect(seen["after removal"] as? String == "Die Ausgabe fruehjahr-2026 wurde entfernt.")
        #expect(seen["editions left"] as? Int == 1)
        #expect((seen["csp errors"] as? [String])?.isEmpty == true, "\(seen["csp errors"] ?? "")")
        let violations = report["violations"] ?? [:]
        #expect(
            Set(violations.keys) == [
                "editions", "new edition", "editor with preview", "editor with conflict", "remove",
                "editions after removal",
            ])
        for (page, found) in violations.sorted(by: { $0.key < $1.key }) {
            #expect((found as? [String])?.isEmpty == true, "\(page): \(found)")
        }
        // Ben's save is the one stored; Anna's refused one changed nothing.
        let stored = try fixture.run(["edition", "show", "fruehjahr-2026", "--json"])
        #expect(stored.status == 66)
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(kind || ':' || json_extract(detail, '$.actor'), ' ') FROM events WHERE kind LIKE 'edition.%' AND json_extract(detail, '$.edition') = 'fruehjahr-2026'"
            )
                == "edition.added:anna@example.de edition.test-sent:anna@example.de edition.updated:ben@example.de edition.removed:anna@example.de"
        )
        for name in ["edition-editor-desktop", "edition-editor-phone"] {
            #expect(FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name).png").path))
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}

/// The editions pages over plain HTTP with a cookie jar: forms without their CSRF token, broken and
/// oversized editions change nothing; previews carry a policy of their own and stay with their session.
struct ConsoleEditionsHTTPTests {
    @Test("refusals change nothing; a preview has its own policy and is only for the session that made it")
    func refusalsAndPreviews() async throws {
        let fixture = try SendGuardTests.fixture(subscribers: [])
        defer { fixture.remove() }
        let added = try fixture.run(
            ["users", "add", "anna@example.de", "--role", "editor", "--password-stdin"],
            input: Data("Annas langes Passwort\n".utf8))
        #expect(added.status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        func signedIn() throws -> (ConsoleSignInTests.Browser, String) {
            let browser = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
            let token = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
            let answer = try browser.post(
                "/sign-in", [("csrf", token), ("email", "anna@example.de"), ("password", "Annas langes Passwort")])
            #expect(answer.status == 303)
            let csrf = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/editions/new").body))
            return (browser, csrf)
        }
        let (browser, csrf) = try signedIn()
        let fields = [
            ("subject", "Herbst"), ("list", "interkommunales-nrw"), ("slug", "herbst"), ("template", "edition"),
            ("body", "Hallo {{name}}"), ("action", "save"),
        ]
        func editions() throws -> String {
            try AdminCommandTests.query(fixture, "SELECT count(*) FROM editions WHERE slug = 'herbst'")
        }

        #expect(try browser.post("/editions/new", fields).status == 403)
        #expect(try browser.post("/editions/new", [("csrf", "forged")] + fields).status == 403)
        let unknownList = try browser.post(
            "/editions/new", [("csrf", csrf)] + fields.map { $0.0 == "list" ? ("list", "gibt-es-nicht") : $0 })
        #expect(unknownList.status == 404)
        let badVariable = try browser.post(
            "/editions/new", [("csrf", csrf)] + fields.map { $0.0 == "body" ? ("body", "Hallo {{nmae}}") : $0 })
        #expect(badVariable.status == 422)
        #expect(badVariable.body.contains("nmae"))
        #expect(badVariable.body.contains("Hallo {{nmae}}</textarea>"))
        let big = fixture.directory.appendingPathComponent("big.form").path
        try Data(repeating: UInt8(ascii: "a"), count: 2 << 20).write(to: URL(fileURLWithPath: big))
        #expect(try browser.client.send("POST", browser.base + "/editions/new", bodyFile: big).status == 413)
        #expect(try editions() == "0")

        let saved = try browser.post("/editions/new", [("csrf", csrf)] + fields)
        #expect(saved.status == 303)
        #expect(saved.headers["location"] == "/editions/herbst/edit?saved=1")
        #expect(try editions() == "1")

        let html = try browser.get("/editions/herbst/preview?view=html")
        #expect(html.status == 200)
        #expect(html.body.contains("Hallo Erika Mustermann"))
        let policy = html.headers["content-security-policy"] ?? ""
        #expect(policy.contains("frame-ancestors 'self'") && policy.contains("style-src 'unsafe-inline'"))
        #expect(!policy.contains("script-src") && policy.contains("default-src 'none'"))
        #expect(html.headers["x-frame-options"] == "SAMEORIGIN")
        let text = try browser.get("/editions/herbst/preview?view=text")
        #expect(text.headers["content-type"] == "text/plain; charset=utf-8")
        // The console's own pages may not be framed at all.
        #expect(
            try browser.get("/editions").headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)

        // A draft's preview is for the session that made it.
        #expect(try browser.post("/previews", fields).status == 403)
        let draft = try browser.post("/previews", [("csrf", csrf), ("edited", "herbst")] + fields)
        #expect(draft.status == 200)
        let location = try #require(AdminServeTests.json(draft.body)?["html"] as? String)
        #expect(try browser.get(location).body.contains("Hallo Erika Mustermann"))
        let (other, _) = try signedIn()
        #expect(try other.get(location).status == 404)
        #expect(try other.get("/previews/unknown?view=html").status == 404)
        // A draft previewed for a real subscriber shows what they would get; an unknown address is named.
        #expect(
            try fixture.run([
                "subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw", "--name",
                "Jana Müller",
            ]).status == 0)
        let forJana = try browser.post(
            "/previews", [("csrf", csrf), ("edited", "herbst"), ("preview_for", " jana@stadt-unna.example")] + fields)
        #expect(forJana.status == 200)
        let janaLocation = try #require(AdminServeTests.json(forJana.body)?["html"] as? String)
        #expect(try browser.get(janaLocation).body.contains("Hallo Jana Müller"))
        let nobody = try browser.post(
            "/previews", [("csrf", csrf), ("edited", "herbst"), ("preview_for", "niemand@example.de")] + fields)
        #expect(nobody.status == 404)
        #expect(
            (AdminServeTests.json(nobody.body)?["error"] as? String) == "Unter dieser Adresse ist niemand eingetragen.")
        // Without script, the editor's "Vorschau" button does the same and keeps the address in its field.
        let noScript = try browser.post(
            "/editions/herbst/edit",
            [("csrf", csrf), ("revision", "1"), ("preview_for", "jana@stadt-unna.example")]
                + fields.map { $0.0 == "action" ? ("action", "preview") : $0 })
        #expect(noScript.status == 200)
        #expect(noScript.body.contains(#"name="preview_for" value="jana@stadt-unna.example""#))
        let frame = try #require(noScript.body.firstMatch(of: #/src="(/previews/[^"?]+)\?view=html"/#)?.output.1)
        #expect(try browser.get(String(frame) + "?view=html").body.contains("Hallo Jana Müller"))
        #expect(try editions() == "1")

        let broken = try browser.post(
            "/previews", [("csrf", csrf)] + fields.map { $0.0 == "body" ? ("body", "{{#name}}") : $0 })
        #expect(broken.status == 422)
        #expect((AdminServeTests.json(broken.body)?["error"] as? String)?.contains("never closed") == true)

        // Signed out: nothing of it.
        let stranger = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
        #expect(try stranger.get("/editions").status == 303)
        #expect(try stranger.get("/editions/herbst/preview?view=html").status == 404)
        #expect(try stranger.get(location).status == 404)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
