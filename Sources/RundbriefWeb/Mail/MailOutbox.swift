import Logging
public import ServiceLifecycle

/// Hands a finished transactional message to the mail system; throws when it was not accepted.
///
/// `rundbrief serve` passes a closure over the SMTP transport (`MailTransport`), tests one that
/// talks to their own SMTP server.
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
/// The queue is bounded; when it is full (the transport is down and sign-ups keep coming) new
/// messages are dropped and logged rather than held in memory. On graceful shutdown the queue
/// is closed and what is already in it is still sent.
public struct MailOutbox: Service {
    private let stream: AsyncStream<OutboxMessage>
    private let continuation: AsyncStream<OutboxMessage>.Continuation
    private let send: TransactionalSend
    private let logger: Logger

    init(send: @escaping TransactionalSend, capacity: Int, logger: Logger) {
        (stream, continuation) = AsyncStream.makeStream(
            of: OutboxMessage.self, bufferingPolicy: .bufferingOldest(capacity))
        self.send = send
        self.logger = logger
    }

    /// Queues `message`; false when the queue is full or closed.
    @discardableResult
    func enqueue(_ message: OutboxMessage) -> Bool {
        if case .enqueued = continuation.yield(message) { return true }
        logger.error(
            "transactional mail dropped: outbox full or closed",
            metadata: ["mail.kind": "\(message.kind)", "subscriber.id": "\(message.subscriberID)"])
        return false
    }

    public func run() async {
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            for await message in stream {
                await deliver(message)
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    private func deliver(_ message: OutboxMessage) async {
        let metadata: Logger.Metadata = [
            "mail.kind": "\(message.kind)", "subscriber.id": "\(message.subscriberID)",
        ]
        do {
            try await send(message.envelopeFrom, message.recipient, message.data)
            logger.info("transactional mail sent", metadata: metadata)
        } catch {
            logger.warning("transactional mail not sent: \(error)", metadata: metadata)
        }
    }
}
