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
            #"rundbrief_bounces{kind="hard"} 0.0"#, #"rundbrief_sends{status="running"} 0.0"#,
            "rundbrief_send_rate_messages_per_second 0.0", "rundbrief_queue_depth 0.0",
            "# TYPE rundbrief_subscribers gauge", "# TYPE rundbrief_messages_total counter",
        ] {
            #expect(metrics.contains(series), "missing \(series)")
        }
        // Every family says what it is and what it counts.
        let families = Set(Self.samples(metrics).map(\.family))
        #expect(families.count == 8, "\(families.sorted())")
        for family in families {
            #expect(metrics.contains("# HELP \(family) "), "no HELP for \(family)")
            #expect(metrics.contains("# TYPE \(family) "), "no TYPE for \(family)")
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

    @Test("the sender counts every message's SMTP outcome and every reply class on /metrics")
    func senderCounters() async throws {
        // Given a send to 7 readers through a relay that rejects one and greylists another once
        let bed = try CLITestBed()
        let server = try SMTPTestServer(
            directory: bed.directory.appendingPathComponent("mail"),
            arguments: ["--reject", "leser5@example.net", "--tempfail-once", "leser6@example.net"])
        defer { server.stop() }
        try bed.writeConfiguration(smtpPort: server.port, batchSize: 10, concurrency: 2)
        try bed.prepareList(subscribers: 7)
        let sendID = try bed.scheduleNow()

        // When the daemon has finished the send
        let daemon = try bed.startSender()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(
            try await eventually(timeout: .seconds(60)) { try bed.status(sendID)["status"] as? String == "done" })
        #expect(try server.messageCount() == 6)
        let port = try #require(Self.metricsPort(in: bed.senderLog))
        let samples = Self.samples(try Self.get("http://127.0.0.1:\(port)/metrics").body)
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()

        // Then /metrics counts each transaction: 6 accepted (one on its second try), 1 greylisted, 1 refused
        let value = { (series: String) in samples.first { $0.series == series }?.value }
        #expect(value(#"rundbrief_messages_total{outcome="sent"}"#) == 6)
        #expect(value(#"rundbrief_messages_total{outcome="deferred"}"#) == 1)
        #expect(value(#"rundbrief_messages_total{outcome="failed"}"#) == 1)
        #expect(value(#"rundbrief_smtp_replies_total{class="2xx"}"#) == 6)
        #expect(value(#"rundbrief_smtp_replies_total{class="4xx"}"#) == 1)
        #expect(value(#"rundbrief_smtp_replies_total{class="5xx"}"#) == 1)
        #expect(value(#"rundbrief_smtp_replies_total{class="none"}"#) == 0)
    }

    /// The samples of a Prometheus text exposition: `family`, the series with its labels, the value.
    static func samples(_ text: String) -> [(family: String, series: String, value: Double)] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = String(line[..<space])
            return (String(series.prefix { $0 != "{" }), series, value)
        }
    }

    /// The metrics listener's port, from the daemon's "metrics listening" log line.
    static func metricsPort(in log: String) -> Int? {
        let line = log.split(separator: "\n").first { $0.contains("metrics listening") } ?? ""
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("metrics.address=") }),
            let colon = field.lastIndex(of: ":")
        else { return nil }
        return Int(field[field.index(after: colon)...].filter(\.isNumber))
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
