import Foundation
import Logging
import RundbriefCore
import Synchronization
import Testing

@testable import RundbriefWeb

/// A relay that refuses the first `failures` attempts (down, or 4xx), then accepts.
final class FlakyRelay: Sendable {
    private let state: Mutex<(failuresLeft: Int, delivered: [String])>

    init(failures: Int) {
        state = Mutex((failures, []))
    }

    var delivered: [String] { state.withLock { $0.delivered } }

    var send: TransactionalSend {
        { _, recipient, _ in
            let refused = self.state.withLock { state -> Bool in
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
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            #expect(outbox.enqueue(message("a@example.org")))
            #expect(outbox.enqueue(message("b@example.org")))
            for _ in 0..<300 where relay.delivered.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            group.cancelAll()
        }
        #expect(relay.delivered.sorted() == ["a@example.org", "b@example.org"])
        #expect(outbox.count == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aMessageIsGivenUpOnlyWhenItsLinkWouldHaveExpired() async throws {
        let relay = FlakyRelay(failures: 1_000)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let outbox = MailOutbox(
            send: relay.send, capacity: 10,
            retry: .init(
                initialDelay: .milliseconds(10), maximumDelay: .milliseconds(20), giveUpAfter: .milliseconds(300)),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await outbox.run() }
            outbox.enqueue(message("a@example.org"))
            try await Task.sleep(for: .milliseconds(100))
            #expect(outbox.count == 1)
            for _ in 0..<200 where outbox.count > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(outbox.count == 0)
            group.cancelAll()
        }
        #expect(relay.delivered.isEmpty)
    }

    @Test func theOutboxHoldsADayOfTheHourlyBudget() {
        var web = RundbriefCore.Configuration().web
        web.confirmationMailsPerHour = 500
        #expect(WebApplication.outboxCapacity(web) == 12_000)
    }
}
