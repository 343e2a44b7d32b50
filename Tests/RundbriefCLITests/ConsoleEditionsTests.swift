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
