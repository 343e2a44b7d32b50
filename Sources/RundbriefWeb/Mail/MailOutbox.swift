import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

/// Hands a finished transactional message to the mail system; throws when it was not accepted.
///
/// `rundbrief serve` passes a closure over its SMTP transport (`MailTransport.deliver`): the web
/// module knows no transport. Tests pass one that talks to their own SMTP server.
public typealias TransactionalSend =
    @Sendable (_ envelopeFrom: String, _ recipient: String, _ data: [UInt8]) async throws -> Void

/// A message waiting in the outbox.
struct OutboxMessage: Sendable {
    var envelopeFrom: String
    var recipient: String
    var data: [UInt8]
    /// What it is, for the log ("confirm", "welcome").
    var kind: String
    var subscriberID: Int64
}

/// Sends confirmation and welcome mails off the request path: a request only enqueues, and this
/// service, running in the web application's service group, hands each message to the transport.
///
/// A message the transport does not take (the relay is down or says 4xx) is deferred, not
/// dropped: it is retried with a growing delay until it is older than `giveUpAfter` (by then its
/// confirmation link has expired). The queue holds at most `capacity` messages; the sign-up
/// limits (`web.confirmation_mails_per_hour`) keep it far below that, so only an outage of many
/// hours can fill it, and then a new message is refused and logged. On graceful shutdown what is
/// due is still sent; deferred messages are logged as not sent.
public struct MailOutbox: Service {
    /// How retries are spaced and when they stop.
    struct RetryPolicy: Sendable {
        var initialDelay: Duration = .seconds(30)
        var maximumDelay: Duration = .seconds(900)
        var giveUpAfter: Duration = .seconds(72 * 3_600)
    }

    private let queue: OutboxQueue
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let send: TransactionalSend
    private let retry: RetryPolicy
    private let logger: Logger

    init(send: @escaping TransactionalSend, capacity: Int, retry: RetryPolicy = .init(), logger: Logger) {
        queue = OutboxQueue(capacity: capacity)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.send = send
        self.retry = retry
        self.logger = logger
    }

    /// Queues `message`; false when the queue is full or closed.
    @discardableResult
    func enqueue(_ message: OutboxMessage) -> Bool {
        guard queue.append(OutboxQueue.Entry(message: message, queuedAt: .now, due: .now, attempts: 0)) else {
            logger.error(
                "transactional mail dropped: outbox full or closed",
                metadata: ["mail.kind": "\(message.kind)", "subscriber.id": "\(message.subscriberID)"])
            return false
        }
        wake.yield()
        return true
    }

    /// Messages waiting (due or deferred).
    var count: Int { queue.count }

    public func run() async {
        let (queue, wake) = (self.queue, self.wake)
        await withGracefulShutdownHandler {
            var wakeups = self.wakeups.makeAsyncIterator()
            while true {
                while let entry = queue.takeDue(at: .now) { await deliver(entry) }
                if let next = queue.nextDue {
                    // A new message wakes the loop at the latest after a second.
                    try? await Task.sleep(until: min(next, .now + .seconds(1)), clock: .continuous)
                } else if await wakeups.next() == nil {
                    break
                }
                if queue.isClosed || Task.isCancelled { break }
            }
            while let entry = queue.takeDue(at: .now) { await deliver(entry, retrying: false) }
            let left = queue.drain()
            if left > 0 { logger.warning("shutting down with \(left) deferred transactional mail(s) not sent") }
        } onGracefulShutdown: {
            queue.close()
            wake.finish()
        }
    }

    private func deliver(_ entry: OutboxQueue.Entry, retrying: Bool = true) async {
        let message = entry.message
        let metadata: Logger.Metadata = [
            "mail.kind": "\(message.kind)", "subscriber.id": "\(message.subscriberID)",
        ]
        do {
            try await send(message.envelopeFrom, message.recipient, message.data)
            logger.info("transactional mail sent", metadata: metadata)
        } catch {
            let age = ContinuousClock.now - entry.queuedAt
            var delay = retry.initialDelay * (1 << min(entry.attempts, 16))
            delay = min(delay, retry.maximumDelay)
            guard retrying, age + delay < retry.giveUpAfter else {
                logger.error("transactional mail not sent, given up: \(error)", metadata: metadata)
                return
            }
            logger.warning("transactional mail deferred (retry in \(delay)): \(error)", metadata: metadata)
            var next = entry
            next.attempts += 1
            next.due = .now + delay
            queue.requeue(next)
        }
    }
}

/// The outbox's messages in order, each with the time it may next be tried.
final class OutboxQueue: Sendable {
    struct Entry: Sendable {
        var message: OutboxMessage
        var queuedAt: ContinuousClock.Instant
        var due: ContinuousClock.Instant
        var attempts: Int
    }

    private struct State {
        var entries: [Entry] = []
        var closed = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func append(_ entry: Entry) -> Bool {
        state.withLock { state in
            guard !state.closed, state.entries.count < capacity else { return false }
            state.entries.append(entry)
            return true
        }
    }

    /// Puts a deferred message back; it keeps its place even when the queue is closed or full.
    func requeue(_ entry: Entry) {
        state.withLock { $0.entries.append(entry) }
    }

    /// The first message (in queue order) that is due.
    func takeDue(at now: ContinuousClock.Instant) -> Entry? {
        state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.due <= now }) else { return nil }
            return state.entries.remove(at: index)
        }
    }

    var nextDue: ContinuousClock.Instant? { state.withLock { $0.entries.map(\.due).min() } }
    var count: Int { state.withLock { $0.entries.count } }
    var isClosed: Bool { state.withLock { $0.closed } }

    func close() { state.withLock { $0.closed = true } }

    /// Empties the queue, answering how many messages it held.
    func drain() -> Int {
        state.withLock { state in
            defer { state.entries.removeAll() }
            return state.entries.count
        }
    }
}
