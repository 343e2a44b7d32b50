import Foundation
import RundbriefCore
import RundbriefMail
import RundbriefStore
import RundbriefTestSupport
import Synchronization
import Testing

/// A relay that goes away for a while: a blip is retried with backoff instead of pausing the send, and
/// a send that did pause for connection failures resumes by itself once the relay answers again.
@Suite(.serialized) struct RelayOutageTests {
    private func transport(port: Int) throws -> CurlSMTPTransport {
        try CurlSMTPTransport(
            configuration: .init(
                url: "smtp://127.0.0.1:\(port)", startTLS: .off, connectTimeout: .seconds(2),
                transactionTimeout: .seconds(10), concurrency: 4))
    }

    @Test func aRelayRestartDoesNotPauseTheSend() async throws {
        let fixture = try SendFixture(subscribers: 60)
        // The relay stops listening after 15 messages and comes back 3 s later on the same port
        let first = try SMTPTestServer(arguments: ["--stop-after", "15"])
        let port = first.port
        let transport = try transport(port: port)
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.pauseAfterConnectionFailures = 3  // reached within the outage: only the time may pause
        policy.pauseAfter = .seconds(60)
        let everPaused = Mutex(false)
        let service = Task {
            try await fixture.runService(transport: transport, policy: policy, timeout: .seconds(60)) {
                let status = try fixture.report(id).send.status
                if status == .paused { everPaused.withLock { $0 = true } }
                return status == .done
            }
        }
        #expect(try await eventually(timeout: .seconds(90)) { try first.stats().messages >= 15 })
        try await Task.sleep(for: .seconds(3))
        let second = try SMTPTestServer(arguments: ["--port", "\(port)", "--out", first.directory.path])
        let finished = try await service.value
        await transport.shutdown()
        withExtendedLifetime(second) {}
        #expect(finished)
        #expect(!everPaused.withLock { $0 })
        let recipients = try SendFixture.recipients(in: first.directory)
        #expect(Set(recipients) == Set((0..<60).map { "person\($0)@example.net" }))
        // A message the relay took just as it stopped, its 250 cut off with the connection, goes again:
        // at most one per connection.
        #expect(recipients.count - 60 <= 4)
        print("fault relay restart (3 s): not paused, \(recipients.count - 60) duplicates (acknowledgements cut off)")
    }

    @Test func aSendPausedForConnectionFailuresResumesWhenTheRelayAnswers() async throws {
        let fixture = try SendFixture(subscribers: 20)
        let port = try closedPort()
        let transport = try transport(port: port)
        let id = try fixture.schedule()
        var policy = DeliveryPolicy.test()
        policy.pauseAfterConnectionFailures = 3
        policy.pauseAfter = .zero
        policy.relayProbeInitial = .milliseconds(500)
        let server = Mutex<SMTPTestServer?>(nil)
        let pausedAt = Mutex<Date?>(nil)
        let finished = try await fixture.runService(transport: transport, policy: policy, timeout: .seconds(60)) {
            let report = try fixture.report(id)
            if report.send.status == .paused, pausedAt.withLock({ $0 }) == nil {
                #expect(report.send.statusReason?.contains("resumes by itself") == true)
                pausedAt.withLock { $0 = Date() }
                // The relay comes back while the send is paused
                let started = try SMTPTestServer(arguments: ["--port", "\(port)"])
                server.withLock { $0 = started }
            }
            return report.send.status == .done
        }
        await transport.shutdown()
        #expect(pausedAt.withLock { $0 } != nil, "the send never paused")
        #expect(finished, "the send did not resume by itself")
        let recovery = pausedAt.withLock { $0 }.map { Date().timeIntervalSince($0) } ?? -1
        let received = try server.withLock { try $0.map { try SendFixture.recipients(of: $0) } } ?? []
        #expect(Set(received).count == 20 && received.count == 20)
        print("fault relay away: resumed by itself, done \(String(format: "%.1f", recovery)) s after the pause")
    }
}
