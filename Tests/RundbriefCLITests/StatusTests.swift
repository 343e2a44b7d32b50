import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `rundbrief status` works with and without the daemon, from the database and the heartbeat file.
@Suite("status", .serialized)
struct StatusTests {
    static func statusJSON(_ fixture: OpsFixture) throws -> [String: Any] {
        let result = try fixture.run(["status", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("without a daemon: stopped, with subscriber counts from the database")
    func withoutDaemon() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "pending")
        let status = try Self.statusJSON(fixture)
        let daemon = status["daemon"] as? [String: Any]
        #expect(daemon?["state"] as? String == "stopped")
        let operations = status["operations"] as? [String: Any]
        let subscribers = operations?["subscribersByStatus"] as? [String: Int]
        #expect(subscribers == ["pending": 2])
        #expect(operations?["queueDepth"] as? Int == 0)

        let screen = try fixture.run(["status"])
        #expect(screen.status == 0)
        #expect(screen.stdout.contains("daemon       not running"))
        #expect(!screen.stdout.contains("anna@"))
    }

    @Test("with the daemon running: running, its pid and activity; stopped again after SIGTERM")
    func withDaemon() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let daemon = try DaemonProcess(fixture: fixture)
        #expect(await daemon.waitForLog("serving"))
        #expect(
            await eventually(timeout: .seconds(20)) {
                ((try? Self.statusJSON(fixture))?["daemon"] as? [String: Any])?["state"] as? String
                    == "running"
            })
        let running = try Self.statusJSON(fixture)["daemon"] as? [String: Any]
        #expect(running?["pid"] as? Int == Int(daemon.process.processIdentifier))
        #expect((running?["activity"] as? String)?.hasPrefix("idle") == true)

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let stopped = try Self.statusJSON(fixture)["daemon"] as? [String: Any]
        #expect(stopped?["state"] as? String == "stopped")
    }

    /// A send halfway through: 4 sent, 1 failed with a reply naming the recipient, 5 queued.
    static let runningSend = """
        INSERT INTO editions(id, slug, subject, list_slug, markdown, source, created_at, updated_at)
          VALUES (1, 'iii-2025', 'Newsletter III/2025', 'news', '# III', '# III', '2025-01-01', '2025-01-01');
        INSERT INTO sends(id, edition_id, list_id, status, scheduled_at, started_at, created_at, updated_at)
          VALUES (1, 1, 1, 'running', '2025-01-01', '2025-01-01', '2025-01-01', '2025-01-01');
        WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10)
        INSERT INTO deliveries(send_id, domain, status, last_code, last_status, last_reply, updated_at)
        SELECT 1, 'example.de',
               CASE WHEN x <= 4 THEN 'sent' WHEN x = 5 THEN 'failed' ELSE 'queued' END,
               CASE WHEN x = 5 THEN 550 END, CASE WHEN x = 5 THEN '5.1.1' END,
               CASE WHEN x = 5 THEN '550 5.1.1 <anna@example.de>: Recipient address rejected' END,
               '2025-01-01 00:00:0' || (x % 10)
        FROM n;
        """

    @Test("a running send: progress in STATUS= and in status, the failed reply without its address")
    func runningSend() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de"], status: "bounced")
        try fixture.execute(Self.runningSend)

        let status = try Self.statusJSON(fixture)
        let operations = status["operations"] as? [String: Any]
        #expect(operations?["queueDepth"] as? Int == 5)
        let send = (operations?["sends"] as? [[String: Any]])?.first
        #expect(send?["status"] as? String == "running")
        #expect(send?["deliveries"] as? [String: Int] == ["sent": 4, "failed": 1, "queued": 5])
        let error = (operations?["recentErrors"] as? [[String: Any]])?.first
        #expect(error?["code"] as? Int == 550)
        #expect(error?["reply"] as? String == "550 5.1.1 <a***@example.de>: Recipient address rejected")
        let screen = try fixture.run(["status"]).stdout
        #expect(screen.contains("iii-2025"))
        #expect(!screen.contains("anna@"))

        let listener = try NotifyListener(path: fixture.directory.appendingPathComponent("notify").path)
        defer { listener.stop() }
        let daemon = try DaemonProcess(fixture: fixture, environment: ["NOTIFY_SOCKET": listener.path])
        #expect(await listener.waitFor("STATUS=sending 'Newsletter III/2025' to news: 5/10, 0/s"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("status --json in snake_case, the old camelCase keys beside them; every time in the configured zone")
    func snakeCaseAndOneTimeZone() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de"], status: "bounced")
        try fixture.execute(Self.runningSend)

        let status = try Self.statusJSON(fixture)
        let operations = status["operations"] as? [String: Any]
        #expect(operations?["queue_depth"] as? Int == 5)
        #expect(operations?["subscribers_by_status"] as? [String: Int] == ["bounced": 1])
        let error = (operations?["recent_errors"] as? [[String: Any]])?.first
        #expect(error?["enhanced_status"] as? String == "5.1.1")
        let send = (operations?["sends"] as? [[String: Any]])?.first
        #expect(send?["edition_slug"] as? String == "iii-2025")
        // The old keys stay for one release
        #expect(operations?["queueDepth"] as? Int == 5)
        #expect(send?["editionSlug"] as? String == "iii-2025")

        // The configured zone (Europe/Berlin, the default): 2025-01-01 00:00 UTC is 01:00 GMT+1
        let screen = try fixture.run(["status"]).stdout
        #expect(screen.contains("2025-01-01 01:00 GMT+1"), "\(screen)")
        #expect(!screen.contains("2025-01-01 00:00"), "\(screen)")
    }
}
