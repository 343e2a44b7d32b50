import AsyncAlgorithms
public import Logging
public import ServiceLifecycle

/// Polls the bounce mailbox (IMAP or POP3) and hands every message to `record`: the daemon wires in
/// the application layer's bounce operation (this module knows none).
///
/// A message is deleted (or moved to `processedMailbox`) only after it is recorded; when `record`
/// throws (the database cannot record it), the message stays in the mailbox for the next poll: a
/// bounce is never lost.
public struct BounceMailboxPoller: Service {
    /// Records one message; throws when it could not be recorded. Runs on the mailbox's thread.
    public typealias Record = @Sendable (_ message: [UInt8]) throws -> Void

    public var client: MailboxClient
    public var record: Record
    public var interval: Duration
    /// IMAP folder to move processed messages into; nil deletes them.
    public var processedMailbox: String?
    public var logger: Logger

    public init(
        client: MailboxClient, record: @escaping Record, interval: Duration, processedMailbox: String?,
        logger: Logger
    ) {
        self.client = client
        self.record = record
        self.interval = interval
        self.processedMailbox = processedMailbox
        self.logger = logger
    }

    /// What one poll did.
    public struct PollResult: Sendable, Equatable {
        public var processed = 0
        /// Messages left in the mailbox because the store could not record them.
        public var kept = 0
    }

    public func run() async throws {
        var failures = 0
        _ = await poll(failures: &failures)
        let timer = AsyncTimerSequence(interval: interval, clock: ContinuousClock()).cancelOnGracefulShutdown()
        for await _ in timer {
            _ = await poll(failures: &failures)
        }
    }

    private func poll(failures: inout Int) async -> PollResult? {
        do {
            let result = try await pollOnce()
            if failures > 0 { logger.notice("bounce mailbox reachable again") }
            failures = 0
            return result
        } catch {
            failures += 1
            // One failed poll is noise (a restarting IMAP server); several in a row need an operator.
            let level: Logger.Level = failures >= 3 ? .warning : .notice
            logger.log(
                level: level, "cannot poll the bounce mailbox: \(error)",
                metadata: ["mailbox.failures": "\(failures)"])
            return nil
        }
    }

    /// Fetches, records and removes every message in the mailbox once.
    /// - Throws: `TransportError` when the mailbox cannot be reached.
    public func pollOnce() async throws -> PollResult {
        let record = record
        let folder = processedMailbox
        let logger = logger
        let result = try await client.withSession { session in
            var result = PollResult()
            for id in try session.messageIDs() {
                let message = try session.fetch(id)
                do {
                    try record(message)
                } catch {
                    result.kept += 1
                    logger.warning("bounce not recorded; it stays in the mailbox for the next poll: \(error)")
                    break
                }
                if let folder { try session.move(id, to: folder) } else { try session.delete(id) }
                result.processed += 1
            }
            return result
        }
        if result.processed > 0 {
            logger.info("bounce mailbox polled", metadata: ["mailbox.processed": "\(result.processed)"])
        }
        return result
    }
}
