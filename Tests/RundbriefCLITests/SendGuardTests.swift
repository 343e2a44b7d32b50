import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 11's guards and per-send report, through the built binary on a real SQLite file; the sends
/// go through the real daemon into `smtp_server.py`.
@Suite("send guards and reports", .serialized)
struct SendGuardTests {
    static let edition = "interkommunales-nrw-newsletter-III-2025"
    static let list = "interkommunales-nrw"

    /// A fixture with the list, `subscribers` and the sample edition; with `smtpPort`, a relay and a sender.
    static func fixture(subscribers: [String], smtpPort: Int? = nil, ownTemplates: Bool = false) throws -> OpsFixture {
        let fixture = try OpsFixture(ownTemplates: ownTemplates)
        if let smtpPort {
            var config = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            config +=
                "\n[smtp]\nurl = \"smtp://127.0.0.1:\(smtpPort)\"\nstarttls = \"off\"\n"
                + "[sender]\naddress = \"newsletter@example.org\"\nname = \"Geschäftsstelle IKZ\"\n"
                + "bounce_domain = \"bounce.example\"\n"
            try config.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        }
        #expect(try fixture.run(["lists", "create", list, "--name", "Interkommunales.NRW"]).status == 0)
        for address in subscribers {
            #expect(try fixture.run(["subscribers", "add", address, "--list", list]).status == 0)
        }
        #expect(try fixture.run(["edition", "add", EditionCommandTests.sample]).status == 0)
        return fixture
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    static func sendStatus(_ fixture: OpsFixture, _ id: Int) throws -> [String: Any] {
        try json(try fixture.run(["send", "status", "\(id)", "--json"]).stdout) as? [String: Any] ?? [:]
    }

    @Test(
        "a second schedule of the same edition to the same list is refused, --again allows it; past times are refused")
    func secondScheduleAndPastTimes() throws {
        let fixture = try Self.fixture(subscribers: ["jana@stadt-unna.example"])
        let first = try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", "2099-01-01 10:00"])
        #expect(first.status == 0, "\(first.stderr)")

        // The same edition to the same list again: refused, naming the earlier send, nothing added
        let second = try fixture.run([
            "send", "schedule", Self.edition, "--list", Self.list, "--at", "2099-01-02 10:00",
        ])
        #expect(second.status == 65)
        #expect(second.stderr.contains("send 1") && second.stderr.contains("--again"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1)
        // A time in the past (the issue's example): refused
        let past = try fixture.run(
            ["send", "schedule", Self.edition, "--list", Self.list, "--at", "2025-08-28 10:00", "--again"])
        #expect(past.status == 65)
        #expect(past.stderr.contains("past"), "\(past.stderr)")
        #expect((try Self.json(try fixture.run(["send", "list", "--json"]).stdout) as? [Any])?.count == 1)

        // --again: scheduled
        let again = try fixture.run(
            ["send", "schedule", Self.edition, "--list", Self.list, "--at", "2099-01-02 10:00", "--again"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect((try Self.json(try fixture.run(["send", "list", "--json"]).stdout) as? [Any])?.count == 2)
    }

    @Test("reschedule moves a scheduled or paused send, not a running or done one, and not into the past")
    func reschedule() throws {
        let fixture = try Self.fixture(subscribers: ["jana@stadt-unna.example"])
        #expect(
            try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", "2099-01-01 10:00"]).status
                == 0)
        let moved = try fixture.run(["send", "reschedule", "1", "--at", "2099-02-03 09:30"])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try fixture.run(["send", "status", "1"]).stdout.contains("2099-02-03 09:30"))
        #expect(try Self.sendStatus(fixture, 1)["status"] as? String == "scheduled")

        let past = try fixture.run(["send", "reschedule", "1", "--at", "2025-08-28 10:00"])
        #expect(past.status == 65 && past.stderr.contains("past"), "\(past.stderr)")
        #expect(try fixture.run(["send", "status", "1"]).stdout.contains("2099-02-03 09:30"))

        // A paused send becomes scheduled at the new time
        #expect(try fixture.run(["send", "pause", "1"]).status == 0)
        #expect(try fixture.run(["send", "reschedule", "1", "--at", "2099-03-01 08:00"]).status == 0)
        let status = try Self.sendStatus(fixture, 1)
        #expect(status["status"] as? String == "scheduled" && status["reason"] == nil)

        // Running and done sends cannot move
        try fixture.execute("UPDATE sends SET status = 'running', audience_frozen = 1 WHERE id = 1")
        let running = try fixture.run(["send", "reschedule", "1", "--at", "2099-04-01 08:00"])
        #expect(running.status == 65 && running.stderr.contains("running"), "\(running.stderr)")
        try fixture.execute("UPDATE sends SET status = 'done' WHERE id = 1")
        #expect(try fixture.run(["send", "reschedule", "1", "--at", "2099-04-01 08:00"]).status == 65)
    }

    @Test("resuming a send whose edition went to the same list since needs --again")
    func resumeAfterAnotherSend() throws {
        let fixture = try Self.fixture(subscribers: ["jana@stadt-unna.example"])
        #expect(
            try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", "2099-01-01 10:00"]).status
                == 0)
        #expect(try fixture.run(["send", "pause", "1"]).status == 0)
        #expect(
            try fixture.run(
                ["send", "schedule", Self.edition, "--list", Self.list, "--at", "now", "--again"]
            ).status == 0)
        // The newer send went out meanwhile
        try fixture.execute(
            "UPDATE sends SET status = 'done', audience_frozen = 1, started_at = created_at WHERE id = 2")
        let resume = try fixture.run(["send", "resume", "1"])
        #expect(resume.status == 65)
        #expect(resume.stderr.contains("send 2") && resume.stderr.contains("--again"), "\(resume.stderr)")
        #expect(try Self.sendStatus(fixture, 1)["status"] as? String == "paused")
        #expect(try fixture.run(["send", "resume", "1", "--again"]).status == 0)
        #expect(try Self.sendStatus(fixture, 1)["status"] as? String == "scheduled")
    }

    @Test("send schedule renders the edition once: a broken template is refused then, with file and line")
    func scheduleRendersOnce() throws {
        let fixture = try Self.fixture(subscribers: ["jana@stadt-unna.example"], ownTemplates: true)
        let template = fixture.templatesDirectory + "/edition.html.mustache"
        let original = try String(contentsOfFile: template, encoding: .utf8)
        try ("{{#unclosed}}\n" + original).write(toFile: template, atomically: true, encoding: .utf8)
        let refused = try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", "now"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("edition.html.mustache:"), "\(refused.stderr)")
        #expect((try Self.json(try fixture.run(["send", "list", "--json"]).stdout) as? [Any])?.isEmpty == true)
    }

    @Test(
        "a send that failed before its first message: status shows why, retry-failed explains, resume sends it once fixed",
        .timeLimit(.minutes(3)))
    func failedSendResumes() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let fixture = try Self.fixture(
            subscribers: ["jana@stadt-unna.example", "tom@kreis-soest.example"], smtpPort: server.port,
            ownTemplates: true)
        let daemon = try DaemonProcess(fixture: fixture)
        _ = try #require(await daemon.httpPort())
        // Scheduled for a few seconds ahead (the check at scheduling passes); the template breaks before
        // the send starts (an editor's change on disk while the daemon runs)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Berlin")  // delivery.timezone's default
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let soon = formatter.string(from: Date().addingTimeInterval(8))
        let scheduled = try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", soon])
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let template = fixture.templatesDirectory + "/edition.html.mustache"
        let original = try String(contentsOfFile: template, encoding: .utf8)
        try ("{{#unclosed}}\n" + original).write(toFile: template, atomically: true, encoding: .utf8)

        #expect(
            await eventually(timeout: .seconds(30)) {
                (try? Self.sendStatus(fixture, 1)["status"] as? String) == "failed"
            })
        #expect((try? server.messageCount()) ?? 0 == 0)
        let screen = try fixture.run(["status"]).stdout
        #expect(screen.contains("send 1 failed: ") && screen.contains("edition.html.mustache"), "\(screen)")
        let report = try Self.json(try fixture.run(["status", "--json"]).stdout) as? [String: Any]
        let sends = (report?["operations"] as? [String: Any])?["sends"] as? [[String: Any]] ?? []
        #expect(sends.first?["status"] as? String == "failed")
        #expect((sends.first?["reason"] as? String)?.contains("edition.html.mustache") == true)
        let retry = try fixture.run(["send", "retry-failed", "1"])
        #expect(retry.status == 65 && retry.stderr.contains("send resume 1"), "\(retry.stderr)")

        // Fixed, and resumed: every recipient gets it once
        try original.write(toFile: template, atomically: true, encoding: .utf8)
        let resumed = try fixture.run(["send", "resume", "1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(
            await eventually(timeout: .seconds(60)) {
                (try? Self.sendStatus(fixture, 1)["status"] as? String) == "done"
            })
        #expect(try server.recipients().sorted() == ["jana@stadt-unna.example", "tom@kreis-soest.example"])
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test(
        "send report: counts equal what the SMTP server saw and what bounce ingestion recorded; deliveries and bounce list by send",
        .timeLimit(.minutes(3)))
    func report() async throws {
        let server = try SMTPTestServer(arguments: ["--reject", "weg@kreis-soest.example"])
        defer { server.stop() }
        let mail = server.directory
        let people = [
            "jana@stadt-unna.example", "tom@kreis-soest.example", "weg@kreis-soest.example",
            "bounce@stadt-hamm.example",
        ]
        let fixture = try Self.fixture(subscribers: people, smtpPort: server.port)
        #expect(
            try fixture.run(["send", "schedule", Self.edition, "--list", Self.list, "--at", "now"]).status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.httpPort())
        #expect(
            await eventually(timeout: .seconds(60)) {
                (try? Self.sendStatus(fixture, 1)["status"] as? String) == "done"
            })
        let received = try server.recipients()
        #expect(received.count == 3)

        // A DSN for one recipient, to the VERP address of its message
        let index = try #require(received.firstIndex(of: "bounce@stadt-hamm.example"))
        let meta =
            try Self.json(String(contentsOf: mail.appendingPathComponent("\(index + 1).json"), encoding: .utf8))
            as? [String: Any]
        let verp = try #require(meta?["mail_from"] as? String)
        let dsn = BounceTrustTests.dsn(to: verp, [("bounce@stadt-hamm.example", "5.1.1")])
        let ingest = try fixture.run(
            ["bounce", "ingest"], input: Data(dsn.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(ingest.status == 0, "\(ingest.stderr)")

        // An unsubscribe through the one-click List-Unsubscribe URL of Tom's message
        let tom = try #require(received.firstIndex(of: "tom@kreis-soest.example"))
        let script = """
            import email, email.policy, sys
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            print(str(m['List-Unsubscribe']).split('<', 1)[1].split('>', 1)[0])
            """
        let url = try ChildProcess.python(script, [mail.appendingPathComponent("\(tom + 1).eml").path])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let path = try #require(url.range(of: "/u/").map { String(url[$0.lowerBound...]) }, "\(url)")
        let click = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/curl"),
            ["-sS", "--fail", "-X", "POST", "-d", "List-Unsubscribe=One-Click", "http://127.0.0.1:\(port)\(path)"])
        #expect(click.status == 0 && click.stdout.contains("unsubscribed"), "\(click.stderr)")

        // A complaint (ARF) about Jana's message, naming it by its signed Message-ID
        let jana = try #require(received.firstIndex(of: "jana@stadt-unna.example"))
        let messageID = try ChildProcess.python(
            "import email, sys; print(email.message_from_bytes(open(sys.argv[1], 'rb').read())['Message-ID'])",
            [mail.appendingPathComponent("\(jana + 1).eml").path]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let arf = BounceTrustTests.arf(recipient: "jana@stadt-unna.example", original: "Message-ID: \(messageID)")
        let complaint = try fixture.run(
            ["bounce", "ingest"], input: Data(arf.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(complaint.status == 0, "\(complaint.stderr)")

        // Then the report counts each once, against this send
        let report = try #require(
            try Self.json(try fixture.run(["send", "report", "1", "--json"]).stdout) as? [String: Any])
        let seen = try server.messageCount()
        #expect(report["sent"] as? Int == seen)
        #expect(report["failed"] as? Int == 1)
        #expect(report["deferred"] as? Int == 0 && report["skipped"] as? Int == 0)
        let bounces = try #require(
            try Self.json(try fixture.run(["bounce", "list", "--json"]).stdout) as? [[String: Any]])
        let verifiedHard = bounces.filter { $0["kind"] as? String == "hard" && $0["verified"] as? Bool == true }
        #expect(verifiedHard.count == 2)  // refused at SMTP time, and the DSN
        #expect(report["bounced_hard"] as? Int == verifiedHard.count)
        #expect(report["bounced_soft"] as? Int == 0)
        let complaints = bounces.filter { $0["kind"] as? String == "complaint" && $0["verified"] as? Bool == true }
        #expect(complaints.count == 1 && report["complained"] as? Int == 1)
        #expect(report["unsubscribed"] as? Int == 1)
        let rates = report["rates"] as? [String: Double]
        #expect(rates?["unsubscribed"] == 0.3333)
        let text = try fixture.run(["send", "report", "1"]).stdout
        #expect(text.contains("unsubscribed") && text.contains("33.33 %"), "\(text)")

        // Deliveries: masked unless asked, with the last reply; filtered by status
        let bounced = try #require(
            try Self.json(try fixture.run(["send", "deliveries", "1", "--status", "bounced", "--json"]).stdout)
                as? [[String: Any]])
        #expect(
            Set(bounced.compactMap { $0["email"] as? String }) == [
                "b***@stadt-hamm.example", "w***@kreis-soest.example",
            ])
        let failed = try #require(
            try Self.json(
                try fixture.run(["send", "deliveries", "1", "--status", "failed", "--unmasked", "--json"]).stdout)
                as? [[String: Any]])
        #expect(failed.count == 1 && failed.first?["email"] as? String == "weg@kreis-soest.example")
        #expect(failed.first?["code"] as? Int == 550)
        let all = try fixture.run(["send", "deliveries", "1"]).stdout
        #expect(!all.contains("jana@") && all.contains("j***@stadt-unna.example"), "\(all)")
        #expect(try fixture.run(["send", "deliveries", "1", "--status", "lost"]).status == 64)

        // bounce list --send: this send's bounces only
        let bySend = try Self.json(try fixture.run(["bounce", "list", "--send", "1", "--json"]).stdout) as? [Any]
        #expect(bySend?.count == bounces.count)
        let other = try Self.json(try fixture.run(["bounce", "list", "--send", "2", "--json"]).stdout) as? [Any]
        #expect(other?.isEmpty == true)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
