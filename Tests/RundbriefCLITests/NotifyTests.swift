import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `rundbrief serve` speaks sd_notify to a real datagram socket, as systemd would listen on it.
@Suite("systemd notification", .serialized)
struct NotifyTests {
    @Test("READY, STATUS and WATCHDOG while running, STOPPING and exit 0 on SIGTERM")
    func lifecycle() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let listener = try NotifyListener(path: fixture.directory.appendingPathComponent("notify").path)
        defer { listener.stop() }
        let daemon = try DaemonProcess(
            fixture: fixture,
            environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "200000"])

        #expect(await listener.waitFor("READY=1"))
        #expect(await listener.waitFor("STATUS=idle; nothing scheduled"))
        #expect(
            await eventually(timeout: .seconds(20)) { listener.assignments.count { $0 == "WATCHDOG=1" } >= 3 })
        #expect(listener.assignments.contains("MAINPID=\(daemon.process.processIdentifier)"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        #expect(listener.assignments.contains("STOPPING=1"))
        let ready = listener.assignments.firstIndex(of: "READY=1")
        let stopping = listener.assignments.firstIndex(of: "STOPPING=1")
        #expect(ready != nil && stopping != nil && ready! < stopping!)
    }

    @Test("an abstract socket name (@…) works like a path")
    func abstractSocket() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let listener = try NotifyListener(path: "@rundbrief-test-\(UUID().uuidString)")
        defer { listener.stop() }
        let daemon = try DaemonProcess(fixture: fixture, environment: ["NOTIFY_SOCKET": listener.path])
        #expect(await listener.waitFor("READY=1"))
        daemon.signal(SIGINT)
        #expect(await daemon.waitForExit() == 0)
        #expect(listener.assignments.contains("STOPPING=1"))
        // Without WATCHDOG_USEC systemd expects no pings.
        #expect(!listener.assignments.contains("WATCHDOG=1"))
    }

    @Test("SIGHUP reports RELOADING=1 with MONOTONIC_USEC, then READY=1 again")
    func reload() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let listener = try NotifyListener(path: fixture.directory.appendingPathComponent("notify").path)
        defer { listener.stop() }
        let daemon = try DaemonProcess(fixture: fixture, environment: ["NOTIFY_SOCKET": listener.path])
        #expect(await listener.waitFor("READY=1"))

        daemon.signal(SIGHUP)
        #expect(await listener.waitFor("RELOADING=1"))
        #expect(await listener.waitFor("MONOTONIC_USEC="))
        #expect(await eventually(timeout: .seconds(20)) { listener.assignments.count { $0 == "READY=1" } == 2 })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
