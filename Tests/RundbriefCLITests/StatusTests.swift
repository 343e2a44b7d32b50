import Foundation
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
            await eventually(seconds: 20) {
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
}
