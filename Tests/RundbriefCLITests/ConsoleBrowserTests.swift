import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console in a real browser (Playwright driving Debian's chromium) against the real daemon:
/// sign-in → password change → dashboard → sign-out, axe-core on every page, screenshots at desktop and
/// phone width in `.build/console-screenshots`.
struct ConsoleBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("sign in, change the one-time password, see the dashboard, sign out; axe finds no violation")
    func signInDashboardSignOut() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "active")
        let added = try fixture.run(["users", "add", "clara@example.de", "--role", "editor", "--name", "Clara"])
        let oneTime = try #require(AdminCommandTests.oneTimePassword(in: added.stdout))
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let shots = Self.packageRoot.appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.packageRoot.appendingPathComponent("Tests/Support/console_browser.py").path,
                "http://127.0.0.1:\(port)", "clara@example.de", oneTime, "Claras eigenes Passwort", shots.path,
            ])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]],
            "browser: \(result.stdout)\n\(result.stderr.suffix(3_000))")
        let seen = report["seen"] ?? [:]
        #expect(seen["sign-in heading"] as? String == "Anmelden")
        #expect(seen["wrong password"] as? String == "Die E-Mail-Adresse oder das Passwort ist falsch.")
        #expect(seen["without csrf"] as? Int == 403)
        #expect(seen["after one-time password"] as? String == "http://127.0.0.1:\(port)/password")
        #expect(seen["dashboard heading"] as? String == "Übersicht")
        #expect(seen["after sign-out"] as? String == "Anmelden")
        let violations = report["violations"] ?? [:]
        #expect(Set(violations.keys) == ["sign-in", "sign-in with error", "password", "dashboard"])
        for (page, found) in violations.sorted(by: { $0.key < $1.key }) {
            #expect((found as? [String])?.isEmpty == true, "\(page): \(found)")
        }
        for name in ["sign-in-desktop", "sign-in-phone", "dashboard-desktop", "dashboard-phone"] {
            #expect(FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name).png").path))
        }
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
