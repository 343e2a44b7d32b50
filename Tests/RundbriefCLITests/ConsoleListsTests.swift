import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Lists, segments, users and API keys in a real browser (Playwright driving Debian's chromium)
/// against the real daemon: a private list, a segment whose live count follows the typing, a syntax
/// error at the field, a person's one-time password shown once, a key that works until it is revoked,
/// an editor refused on /users and without a CSRF token; axe-core on every page, screenshots at
/// desktop and phone width in `.build/console-screenshots`.
struct ConsoleListsTests {
    @Test("lists, segments with a live count, users and API keys in the browser; axe finds no violation")
    func listsSegmentsUsersKeys() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try ListsSegmentsAPITests.prepare(fixture)
        for (email, role) in [("admin@example.de", "admin"), ("redaktion@example.de", "editor")] {
            let added = try fixture.run(
                ["users", "add", email, "--role", role, "--password-stdin"], input: Data("ein langes Passwort 1\n".utf8)
            )
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
                ConsoleBrowserTests.packageRoot.appendingPathComponent("Tests/Support/console_admin.py").path,
                "http://127.0.0.1:\(port)", "admin@example.de", "ein langes Passwort 1", "redaktion@example.de",
                "ein langes Passwort 1", shots.path,
            ])
        let report = try #require(
            try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]],
            "browser: \(result.stdout)\n\(result.stderr.suffix(3_000))")
        let seen = report["seen"] ?? [:]
        #expect(seen["lists heading"] as? String == "Listen und Segmente")
        #expect(seen["new list heading"] as? String == "Pressemitteilungen (presse)")
        #expect((seen["new list visibility"] as? String)?.hasPrefix("privat") == true)
        #expect((seen["lists rows"] as? [String])?.count == 2)

        // The live count follows the typing; a syntax error shows at the field, with its column.
        let unna = seen["live unna"] as? [String: Any]
        #expect(unna?["count"] as? String == "3 aktive Mitglieder passen jetzt.")
        let withoutPress = seen["live without press"] as? [String: Any]
        #expect(withoutPress?["count"] as? String == "2 aktive Mitglieder passen jetzt.")
        let error = seen["live syntax error"] as? [String: Any]
        #expect(error?["status"] as? Int == 422)
        #expect(
            (error?["error"] as? String)?.hasPrefix("Fehler im Filter an Stelle 9: ") == true,
            "\(String(describing: error))")
        #expect(error?["count"] as? String == "")
        #expect(error?["invalid"] as? String == "true")
        // The same without the script, through the "Zählen" button.
        #expect(seen["count button status"] as? Int == 422)
        #expect((seen["count button error"] as? String)?.hasPrefix("Fehler im Filter an Stelle 9: ") == true)
        #expect(seen["count button invalid"] as? String == "true")
        #expect(seen["count button count"] as? String == "2 aktive Mitglieder passen jetzt.")
        #expect(seen["segment heading"] as? String == "Segment Kreis Unna ohne Presse (unna)")
        #expect(
            try AdminCommandTests.query(fixture, "SELECT expression FROM segments WHERE slug = 'unna'")
                == #"kreis = "Unna" and rolle != "Presse""#)

        // The one-time password once, and it signs in; the key works until it is revoked.
        let oneTime = try #require(seen["one-time password"] as? String)
        #expect(oneTime.count == 16)
        #expect(seen["secret after reload"] as? Int == 0)
        #expect(
            try AdminCommandTests.query(fixture, "SELECT role FROM users WHERE email = 'neu@example.de'") == "editor")
        #expect(seen["key prefix"] as? String == "rbk_")
        #expect(seen["api with key"] as? Int == 200)
        #expect(seen["api after revoke"] as? Int == 401)
        #expect(seen["revoked notice"] as? String == "Der Schlüssel „skript“ ist widerrufen.")

        // TOTP for the admin: set up with a first code, then asked for after the password.
        #expect(seen["totp url"] as? String == "otpauth://totp/Rundbrief:admin@example.de?secret=")
        #expect((seen["totp confirmed"] as? String)?.hasPrefix("Eingeschaltet.") == true)
        #expect(seen["code heading"] as? String == "Code eingeben")
        #expect(seen["after code"] as? String == "Übersicht")

        // An editor: no users page, no list editing, no form without its token.
        #expect(seen["editor users status"] as? Int == 403)
        #expect(seen["editor users message"] as? String == "Das dürfen nur Administratorinnen und Administratoren.")
        #expect(seen["editor nav users"] as? Int == 0)
        #expect(seen["editor list edit form"] as? Int == 0)
        #expect(seen["editor without csrf"] as? Int == 403)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM segments WHERE slug = 'ohne-token'") == "0")

        // Every change names the person who made it.
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(kind || ':' || json_extract(detail, '$.actor')) FROM (SELECT * FROM events WHERE source = 'console' AND kind NOT LIKE 'user.sign%' ORDER BY id)"
            )
                == "list.created:admin@example.de,segment.created:admin@example.de,user.added:admin@example.de,"
                + "api_key.created:admin@example.de,api_key.revoked:admin@example.de,user.totp_enabled:admin@example.de"
        )

        let violations = report["violations"] ?? [:]
        #expect(
            Set(violations.keys) == [
                "lists", "list", "list with live error", "segment", "users", "users with secret", "users refused",
                "totp",
                "totp setup", "sign-in code",
            ])
        for (page, found) in violations.sorted(by: { $0.key < $1.key }) {
            #expect((found as? [String])?.isEmpty == true, "\(page): \(found)")
        }
        for name in ["lists", "segment-live-error", "segment", "users", "users-secret", "totp", "sign-in-code"] {
            for width in ["desktop", "phone"] {
                #expect(
                    FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name)-\(width).png").path))
            }
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
