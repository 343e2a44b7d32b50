import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `rundbrief serve` end to end: HTTP endpoints, graceful stop.
@Suite("serve", .serialized)
struct ServeTests {
    static func get(_ url: String) throws -> (status: Int32, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--fail-with-body", "--max-time", "10", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "/metrics (on its own listener) shows Prometheus series, gauges follow the database; /healthz and the sign-up page answer"
    )
    func metrics() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "active")
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.httpPort())
        let metricsPort = try #require(await daemon.metricsPort())
        #expect(metricsPort != port)

        #expect(
            await eventually(timeout: .seconds(20)) {
                (try? Self.get("http://127.0.0.1:\(metricsPort)/metrics"))?.body
                    .contains(#"rundbrief_subscribers{status="active"} 2.0"#) == true
            })
        // Never on the public listener: it would reveal list sizes and whether an address is known.
        let publicMetrics = try Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(publicMetrics.status == 22)
        #expect(!publicMetrics.body.contains("rundbrief_"))
        let metrics = try Self.get("http://127.0.0.1:\(metricsPort)/metrics").body
        for series in [
            #"rundbrief_messages_total{outcome="sent"} 0"#,
            #"rundbrief_smtp_replies_total{class="5xx"} 0"#,
            #"rundbrief_bounces{kind="hard"} 0.0"#, #"rundbrief_sends{status="running"} 0.0"#,
            "rundbrief_send_rate_messages_per_second 0.0", "rundbrief_queue_depth 0.0",
            "# TYPE rundbrief_subscribers gauge",
        ] {
            #expect(metrics.contains(series), "missing \(series)")
        }
        let health = try Self.get("http://127.0.0.1:\(port)/healthz")
        #expect(health.status == 0)
        #expect(health.body.contains(#""database":"ok""#))
        // The subscriber web runs in the same server.
        let signUp = try Self.get("http://127.0.0.1:\(port)/subscribe?list=news")
        #expect(signUp.status == 0)
        #expect(signUp.body.contains("<form"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("SIGHUP reloads edited templates; a broken template keeps the running ones")
    func templateReload() async throws {
        let fixture = try OpsFixture(ownTemplates: true)
        defer { fixture.remove() }
        try fixture.run(["lists", "create", "news", "--name", "News"])
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.httpPort())
        let page = "http://127.0.0.1:\(port)/subscribe?list=news"
        let before = try Self.get(page)
        #expect(before.status == 0 && before.body.contains("<form"))
        #expect(!before.body.contains("Frühjahrsausgabe"))

        // When an editor changes the sign-up page and the operator sends SIGHUP
        let template = fixture.templatesDirectory + "/web/de/subscribe.mustache"
        let original = try String(contentsOfFile: template, encoding: .utf8)
        try ("<p class=\"hinweis\">Jetzt zur Frühjahrsausgabe anmelden</p>\n" + original)
            .write(toFile: template, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("reloaded: templates"))
        // Then the page shows the change without a restart
        let edited = try Self.get(page)
        #expect(edited.status == 0 && edited.body.contains("Jetzt zur Frühjahrsausgabe anmelden"))

        // When a broken template is reloaded
        try ("{{#unclosed}}\n" + original).write(toFile: template, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("reload failed"))
        #expect(daemon.log.contains("subscribe.mustache"), "the failure names the broken file")
        // Then the running templates stay in use
        let kept = try Self.get(page)
        #expect(kept.status == 0 && kept.body.contains("Jetzt zur Frühjahrsausgabe anmelden"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("SIGTERM while serving: exit 0, the heartbeat file is gone")
    func gracefulStop() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let daemon = try DaemonProcess(fixture: fixture)
        let heartbeat = fixture.databasePath + ".daemon.json"
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: heartbeat) })
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(seconds: 10) == 0)
        #expect(!FileManager.default.fileExists(atPath: heartbeat))
        #expect(daemon.log.contains("shutting down"))
        #expect(daemon.log.contains("stopped"))
    }

    @Test("a broken configuration: exit 78 with the file named, no daemon")
    func brokenConfiguration() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try "[http]\nlisten = \"nowhere\"\n".write(
            toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let result = try fixture.run(["serve"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("http.listen"))
    }
}
