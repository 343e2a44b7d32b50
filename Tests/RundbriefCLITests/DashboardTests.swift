import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's dashboard and `GET /api/v1/status` show what `rundbrief status` shows, from the same
/// operation: here a send paused through the API (with its reason), then resumed and scheduled.
struct DashboardTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(
            "templates/examples/interkommunales-nrw-newsletter-III-2025.md"
        ).path

    @Test(
        "a send paused through the API appears with its reason on the dashboard and in /status; resumed, it leaves that section"
    )
    func pausedAndScheduledSends() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        #expect(
            try fixture.run(["lists", "create", "interkommunales-nrw", "--name", "Interkommunales.NRW"]).status == 0)
        let edition = try fixture.run(["edition", "add", Self.example])
        #expect(edition.status == 0, "\(edition.stderr)")
        let scheduled = try fixture.run([
            "send", "schedule", "interkommunales-nrw-newsletter-III-2025", "--list", "interkommunales-nrw", "--at",
            "2030-01-02 10:00", "--json",
        ])
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let id = try #require(AdminServeTests.json(scheduled.stdout)?["id"] as? Int)
        #expect(
            try fixture.run(
                ["users", "add", "ben@example.de", "--role", "editor", "--password-stdin"],
                input: Data("ein langes Passwort 1\n".utf8)
            ).status == 0)
        let key = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let api = HTTPClient()
        let bearer = ["Authorization": "Bearer \(key)"]

        let paused = try api.send("POST", "http://127.0.0.1:\(port)/api/v1/sends/\(id)/pause", headers: bearer)
        #expect(paused.status == 200, "\(paused.body)")
        #expect(AdminServeTests.json(paused.body)?["status"] as? String == "paused")
        let status = try api.send("GET", "http://127.0.0.1:\(port)/api/v1/status", headers: bearer)
        let attention = AdminServeTests.json(status.body)?["needing_attention"] as? [[String: Any]]
        #expect(attention?.first?["id"] as? Int == id)
        #expect(attention?.first?["reason"] as? String == "paused by operator")
        let cli = try fixture.run(["status", "--json"])
        let cliSends = (AdminServeTests.json(cli.stdout)?["operations"] as? [String: Any])?["sends"] as? [[String: Any]]
        #expect(cliSends?.first?["id"] as? Int == id && cliSends?.first?["status"] as? String == "paused")

        let browser = ConsoleSignInTests.Browser(port: port, directory: fixture.directory)
        let token = try #require(HTTPClient.hiddenField("csrf", in: try browser.get("/").body))
        let signIn = try browser.post(
            "/sign-in", [("csrf", token), ("email", "ben@example.de"), ("password", "ein langes Passwort 1")])
        #expect(signIn.status == 303)
        let dashboard = try browser.get("/").body
        #expect(dashboard.contains("<td>\(id)</td><td>angehalten</td>"))
        #expect(dashboard.contains("paused by operator"))

        let resumed = try api.send("POST", "http://127.0.0.1:\(port)/api/v1/sends/\(id)/resume", headers: bearer)
        #expect(AdminServeTests.json(resumed.body)?["status"] as? String == "scheduled")
        let later = try browser.get("/").body
        #expect(later.contains("Keine fehlgeschlagenen oder angehaltenen Versände."))
        // (Resumed, it is due at once; with an empty list it may be done before the page is read.)
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(source || ':' || json_extract(detail, '$.actor')) FROM events WHERE kind IN ('send.paused', 'send.resumed')"
            )
                == "api:redaktion,api:redaktion")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
