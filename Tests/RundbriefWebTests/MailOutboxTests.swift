import Foundation
import Logging
import RundbriefCore
import RundbriefTestSupport
import Synchronization
import Testing

@testable import RundbriefWeb

/// A relay that refuses the first `failures` attempts (down, or 4xx), then accepts.
final class FlakyRelay: Sendable {
    private let state: Mutex<(failuresLeft: Int, delivered: [String], attempts: [ContinuousClock.Instant])>

    init(failures: Int) {
        state = Mutex((failures, [], []))
    }

    var delivered: [String] { state.withLock { $0.delivered } }
    /// When each attempt was made.
    var attempts: [ContinuousClock.Instant] { state.withLock { $0.attempts } }

    var send: TransactionalSend {
        { _, recipient, _ in
            let refused = self.state.withLock { state -> Bool in
                state.attempts.append(.now)
                if state.failuresLeft > 0 {
                    state.failuresLeft -= 1
                    return true
                }
                state.delivered.append(recipient)
                return false
            }
            if refused { throw WebError(.mail, "451 try again later") }
        }
    }
}

@Suite struct MailOutboxTests {
    func message(_ recipient: String) -> OutboxMessage {
        OutboxMessage(envelopeFrom: "n@example.org", recipient: recipient, data: [], kind: "confirm", subscriberID: 1)
    }

    /// A confirmation the relay refused used to be logged and dropped: the person never got it.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedConfirmationIsDeferredAndSentLater() async throws {
        let relay = FlakyRelay(failures: 3)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outbox = MailOutbox(
            send: relay.send, capacity: 10,
            retry: .init(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(100), giveUpAfter: .seconds(30)),
            logger: logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            #expect(outbox.enqueue(message("a@example.org")))
            #expect(outbox.enqueue(message("b@example.org")))
            _ = await eventually(timeout: .seconds(30), interval: .milliseconds(10)) { relay.delivered.count >= 2 }
            group.cancelAll()
        }
        #expect(relay.delivered.sorted() == ["a@example.org", "b@example.org"])
        #expect(outbox.count == 0)
    }

    /// Asserts on what happened, not on how fast: a loaded machine only makes the retries later.
    @Test(.timeLimit(.minutes(1)))
    func aMessageIsGivenUpOnlyWhenItsLinkWouldHaveExpired() async throws {
        let relay = FlakyRelay(failures: 1_000)
        let log = LogRecorder()
        let giveUpAfter = Duration.seconds(2)
        let maximumDelay = Duration.milliseconds(20)
        let outbox = MailOutbox(
            send: relay.send, capacity: 10,
            retry: .init(initialDelay: .milliseconds(10), maximumDelay: maximumDelay, giveUpAfter: giveUpAfter),
            logger: Logger(label: "test") { _ in log })
        let queued = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            outbox.enqueue(message("a@example.org"))
            _ = await eventually(timeout: .seconds(60), interval: .milliseconds(10)) { log.contains("given up") }
            group.cancelAll()
        }
        #expect(log.contains("given up"))
        #expect(outbox.count == 0)
        #expect(relay.delivered.isEmpty)
        // Its last try came when one more delay would have passed the give-up time, so it was
        // retried (unless the loaded machine made even the first try that late).
        let attempts = relay.attempts
        let firstTry = try #require(attempts.first) - queued
        let lastTry = try #require(attempts.last) - queued
        #expect(lastTry >= giveUpAfter - maximumDelay, "given up after \(lastTry), \(attempts.count) attempts")
        #expect(attempts.count >= 2 || firstTry >= giveUpAfter - maximumDelay, "first try after \(firstTry)")
    }

    @Test func theOutboxHoldsADayOfTheHourlyBudget() {
        var web = RundbriefCore.Configuration().web
        web.confirmationMailsPerHour = 500
        #expect(WebApplication.outboxCapacity(web) == 12_000)
    }
}
