import Foundation
import GRDB
import RundbriefTestSupport
import Synchronization
import RundbriefCore
import RundbriefMail
import RundbriefStore
import Testing

/// The send engine against a real SQLite file and a real SMTP server (aiosmtpd).
@Suite(.serialized) struct SendServiceTests {
    private func transport(_ server: SMTPTestServer, concurrency: Int = 4) throws -> CurlSMTPTransport {
        try CurlSMTPTransport(
            configuration: .init(
                url: server.url, startTLS: .off, connectTimeout: .seconds(2), transactionTimeout: .seconds(10),
                concurrency: concurrency))
    }

    @Test func everyActiveSubscriberGetsExactlyOneMessage() async throws {
        // Given 40 active subscribers, and others who must not receive anything
        let fixture = try SendFixture(subscribers: 40)
        try fixture.add("pending@example.net", status: .pending)
        let other = try fixture.database.createList(slug: "other", name: "Other")
        try fixture.database.addSubscriber(
            EmailAddress("elsewhere@example.net"), list: other.slug, consent: Consent(method: "cli"))
        let leaver = try fixture.add("leaver@example.net")
        try fixture.database.unsubscribe(subscriberID: leaver.id!, list: fixture.list.id, source: "cli")
        let server = try SMTPTestServer()
        let transport = try transport(server)
        // When the send runs
        let id = try fixture.schedule()
        let finished = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        // Then each active subscriber got one message and nobody else got any
        #expect(finished)
        let recipients = try SendFixture.recipients(of: server)
        #expect(recipients.count == 40)
        #expect(Set(recipients) == Set((0..<40).map { "person\($0)@example.net" }))
        let report = try fixture.report(id)
        #expect(report.counts.sent == 40 && report.counts.total == 40)
        #expect(report.send.finishedAt != nil)
    }

    @Test func tempfailedRecipientsAreRetriedAndDelivered() async throws {
        let fixture = try SendFixture(subscribers: 5)
        let server = try SMTPTestServer(arguments: ["--tempfail-once", "person2@example.net"])
        let transport = try transport(server)
        let id = try fixture.schedule()
        let finished = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        #expect(finished)
        #expect(try SendFixture.recipients(of: server).sorted() == (0..<5).map { "person\($0)@example.net" })
        let person2 = try fixture.database.subscriber(EmailAddress("person2@example.net"))
        let retried = try fixture.database.deliveries(sendID: id).first { $0.subscriberID == person2?.id }
        #expect(retried?.status == .sent)
        #expect(retried?.attempts == 2)
        #expect(retried?.lastCode == 250)
    }

    @Test func permanentFailuresAreMarkedAndTheirSubscribersBounced() async throws {
        let fixture = try SendFixture(subscribers: 4)
        let server = try SMTPTestServer(arguments: ["--reject", "person1@example.net"])
        let transport = try transport(server)
        let id = try fixture.schedule()
        let finished = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        #expect(finished)
        let report = try fixture.report(id)
        #expect(report.counts.sent == 3 && report.counts.failed == 1)
        let subscriber = try fixture.database.subscriber(EmailAddress("person1@example.net"))
        #expect(subscriber?.status == .bounced)
        let failed = try fixture.database.deliveries(sendID: id).first { $0.subscriberID == subscriber?.id }
        #expect(failed?.status == .failed && failed?.lastCode == 550 && failed?.lastStatus == "5.1.1")
        let events = try fixture.database.subscriberDetail(EmailAddress("person1@example.net")).events
            .filter { $0.kind == "bounced" }
        #expect(events.count == 1)
        #expect(events.first?.detail["source"] == "smtp" && events.first?.detail["status"] == "5.1.1")
        #expect(try fixture.database.hardBounceCount(subscriberID: subscriber!.id!) == 1)
    }

    @Test func aPausedSendStopsAndResumes() async throws {
        let fixture = try SendFixture(subscribers: 200)
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.rate = 50  // 4 s for 200 messages: the test acts mid-send even when its polling runs late
        // When the operator pauses after the first messages
        let paused = try await fixture.runService(transport: transport, policy: policy) {
            let report = try fixture.report(id)
            if report.send.status == .running, report.counts.sent >= 20 {
                try fixture.database.pauseSend(id: id, reason: "test")
            }
            return report.send.status == .paused && report.counts.sending == 0
        }
        #expect(paused)
        let atPause = try server.stats().messages
        try await Task.sleep(for: .milliseconds(500))
        // Then nothing more goes out, and the rest waits in the queue
        #expect(try server.stats().messages == atPause)
        #expect(atPause < 200)
        #expect(try fixture.report(id).counts.queued == 200 - atPause)
        // And resuming delivers the rest exactly once
        try fixture.database.resumeSend(id: id)
        let done = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        #expect(done)
        let recipients = try SendFixture.recipients(of: server)
        #expect(recipients.count == 200 && Set(recipients).count == 200)
    }

    /// Another process (a backup, an operator's sqlite3 shell) holds the write lock longer than the busy
    /// timeout in the middle of a send: claims and result writes fail for a while, yet no result of a
    /// transaction that went out is lost, so nothing is sent twice and the send completes.
    @Test func aDatabaseLockedMidSendLosesNoResults() async throws {
        let fixture = try SendFixture(subscribers: 120, busyTimeout: .seconds(1))
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.rate = 30  // 4 s for 120 messages: the lock lands mid-send
        let path = fixture.databasePath
        // A thread of its own takes the lock once 15 messages went out, and holds it for 3 s.
        let lockedMidSend = Mutex<Bool?>(nil)
        let locker = Thread {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? server.stats().messages) ?? 0) < 15 { usleep(10_000) }
            do {
                // It waits for the sender's own short writes to end, as a backup would, then holds the lock.
                var configuration = GRDB.Configuration()
                configuration.busyMode = .timeout(10)
                let other = try DatabaseQueue(path: path, configuration: configuration)
                try other.writeWithoutTransaction { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    lockedMidSend.withLock { $0 = ((try? server.stats().messages) ?? 120) < 120 }
                    Thread.sleep(forTimeInterval: 3)
                    try db.execute(sql: "COMMIT")
                }
            } catch {
                lockedMidSend.withLock { $0 = false }
            }
        }
        locker.start()
        let done = try await fixture.runService(transport: transport, policy: policy, timeout: .seconds(90)) {
            guard lockedMidSend.withLock({ $0 }) != nil else { return false }
            return try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        #expect(lockedMidSend.withLock { $0 } == true, "the lock was not taken while the send ran")
        #expect(done)
        let recipients = try SendFixture.recipients(of: server)
        #expect(recipients.count == 120)
        #expect(Set(recipients).count == 120)
        let report = try fixture.report(id)
        #expect(report.counts.sent == 120 && report.counts.sending == 0)
    }

    @Test func aCancelledSendStops() async throws {
        let fixture = try SendFixture(subscribers: 200)
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.rate = 50  // 4 s for 200 messages: the test acts mid-send even when its polling runs late
        let cancelled = try await fixture.runService(transport: transport, policy: policy) {
            let report = try fixture.report(id)
            if report.send.status == .running, report.counts.sent >= 10 { try fixture.database.cancelSend(id: id) }
            return report.send.status == .cancelled && report.counts.sending == 0
        }
        let atCancel = try server.stats().messages
        try await Task.sleep(for: .milliseconds(500))
        await transport.shutdown()
        #expect(cancelled)
        #expect(try server.stats().messages == atCancel)
        #expect(atCancel < 200)
    }

    @Test func theServerGoingAwayMidSendAndComingBackResumes() async throws {
        let fixture = try SendFixture(subscribers: 60)
        // The first server stops listening after 15 messages
        let first = try SMTPTestServer(arguments: ["--stop-after", "15"])
        let port = first.port
        let transport = try transport(first)
        let id = try fixture.schedule()
        let service = Task {
            try await fixture.runService(transport: transport, policy: .test(), timeout: .seconds(60)) {
                try fixture.report(id).send.status == .done
            }
        }
        // Wait until it went away and the sender saw connection failures
        let sawFailures = try await eventually(timeout: .seconds(60), interval: .milliseconds(100)) {
            try fixture.database.deliveries(sendID: id).contains { $0.status == .deferred && $0.attempts == 0 }
        }
        #expect(sawFailures)
        // When a server comes back on the same port (same output directory, numbering continues)
        let second = try SMTPTestServer(arguments: ["--port", "\(port)", "--out", first.directory.path])
        let finished = try await service.value
        await transport.shutdown()
        // Then every subscriber has the message, duplicates at most the in-flight window
        #expect(finished)
        // The second server wrote into the first one's directory: read every envelope there.
        let recipients = try SendFixture.recipients(in: first.directory)
        withExtendedLifetime(second) {}
        #expect(Set(recipients) == Set((0..<60).map { "person\($0)@example.net" }))
        #expect(recipients.count - 60 <= DeliveryPolicy.test().inFlightWindow)
    }

    @Test func repeatedConnectionFailuresPauseTheSend() async throws {
        let fixture = try SendFixture(subscribers: 10)
        let transport = try CurlSMTPTransport(
            configuration: .init(
                url: "smtp://127.0.0.1:\(try closedPort())", startTLS: .off, connectTimeout: .seconds(1)))
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.pauseAfterConnectionFailures = 3
        policy.pauseAfter = .zero
        let paused = try await fixture.runService(transport: transport, policy: policy) {
            try fixture.report(id).send.status == .paused
        }
        await transport.shutdown()
        #expect(paused)
        let report = try fixture.report(id)
        #expect(report.send.statusReason?.contains("consecutive connection failures") == true)
        #expect(report.counts.sent == 0 && report.counts.sending == 0 && report.counts.failed == 0)
    }

    @Test func recipientsWhoLeftAfterTheStartAreSkipped() async throws {
        let fixture = try SendFixture(subscribers: 5)
        let id = try fixture.schedule()
        // Given the audience frozen with five recipients
        _ = try await fixture.database.startSend(id: id, now: Date())
        let leaver = try fixture.database.subscriber(EmailAddress("person3@example.net"))!
        try fixture.database.unsubscribe(subscriberID: leaver.id!, list: fixture.list.id, source: "web")
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let finished = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .done
        }
        await transport.shutdown()
        #expect(finished)
        #expect(!(try SendFixture.recipients(of: server)).contains("person3@example.net"))
        let counts = try fixture.report(id).counts
        #expect(counts.sent == 4 && counts.skipped == 1)
    }

    @Test func anOverdueScheduledSendWaitsForResume() async throws {
        let fixture = try SendFixture(subscribers: 2)
        let id = try fixture.schedule(at: Date().addingTimeInterval(-2 * 3600))
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let paused = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .paused
        }
        await transport.shutdown()
        #expect(paused)
        let report = try fixture.report(id)
        #expect(report.send.statusReason?.contains("overdue") == true)
        // It was scheduled for a time already past: the daemon was running all along.
        #expect(report.send.statusReason?.contains("its time had already passed when it was scheduled") == true)
        #expect(report.send.statusReason?.contains("not running") == false)
        #expect(report.counts.total == 0)
        #expect(try server.stats().messages == 0)
    }

    @Test func anOverdueSendScheduledInTimeSaysTheDaemonWasNotRunning() async throws {
        let fixture = try SendFixture(subscribers: 2)
        // Scheduled yesterday for two hours ago; the daemon starts only now.
        let id = try fixture.database.scheduleSend(
            edition: "ausgabe-1", list: fixture.list.slug, at: Date().addingTimeInterval(-2 * 3600),
            now: Date().addingTimeInterval(-86_400)
        ).id!
        let server = try SMTPTestServer()
        let transport = try transport(server)
        let paused = try await fixture.runService(transport: transport, policy: .test()) {
            try fixture.report(id).send.status == .paused
        }
        await transport.shutdown()
        #expect(paused)
        let reason = try fixture.report(id).send.statusReason ?? ""
        #expect(reason.contains("the daemon was not running at the scheduled time"), "\(reason)")
        #expect(reason.contains("send reschedule \(id)"))
    }
}
