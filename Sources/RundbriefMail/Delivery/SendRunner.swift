import Foundation
import Logging
import RundbriefCore
import RundbriefStore
import Synchronization

/// Works through one running send until it is done, paused, cancelled, or the daemon stops.
///
/// A claimer marks batches `sending` and hands each delivery to the transport as ``TransportWork``:
/// the transport's connection thread composes the message, runs the transaction and buffers the
/// result, so a message costs no hand-off through the Swift concurrency pool. Results are written in
/// batched transactions. Claimed but unrecorded deliveries never exceed the policy's in-flight window,
/// and the transport holds at most three per connection (one in its transaction, two queued).
///
/// A database that cannot be written (locked by another process, a full disk) never costs a result:
/// results stay in memory until they are written, claiming waits, both retry with backoff, and the
/// trouble is logged once as an error (and its end once as a notice).
final class SendRunner: Sendable {
    /// Why the runner stopped claiming.
    enum Stop: Sendable, Equatable {
        /// Nothing left to send.
        case complete
        /// Someone else changed the send's status (paused, cancelled).
        case status(SendStatus)
        /// Too many connection failures in a row; the send pauses itself.
        case connectionFailures(String)
        /// The daemon is shutting down; the send stays running and resumes at the next start.
        case shutdown
    }

    let send: Send
    let sendID: Int64
    let edition: String
    private let database: AppDatabase
    private let transport: any MailTransport
    private let builder: any SendMessageBuilder
    private let policy: DeliveryPolicy
    private let rateLimiter: RateLimiter
    private let domains: DomainThrottle
    private let clock: SendClock
    private let logger: Logger

    private let stop = Mutex<Stop?>(nil)
    /// Connection failures in a row, and when the first of them happened.
    private let connectionFailures = Mutex<(count: Int, since: Date?)>((0, nil))
    private let inFlight = Mutex(0)
    private let results = Mutex<[Delivery.Result]>([])
    /// Deliveries handed to the transport and not finished yet.
    private let submitted = Mutex(0)
    /// Wakes the claimer when the transport or the in-flight window has room again.
    private let room = WakeSignal()
    /// Wakes the flush loop: a batch of results is ready, or the periodic tick.
    private let flushDue = WakeSignal()
    /// When the transport last finished a transaction of this send, and whether a stall was reported.
    private let lastOutcome = Mutex<(at: Date?, stallReported: Bool)>((nil, false))
    /// Since when the database could not be written, while it cannot.
    private let databaseTrouble = Mutex<Date?>(nil)
    /// `rundbrief_messages_total`, made when the runner starts.
    private let messages = SMTPMetrics.MessageCounters()

    /// The transport holds at most this many deliveries of this send (in transactions and queued)...
    private var transportLimit: Int { 3 * policy.concurrency }
    /// ...and the claimer tops it up once it is down to this many.
    private var transportRefill: Int { 2 * policy.concurrency }

    init(
        send: Send, edition: String, database: AppDatabase, transport: any MailTransport,
        builder: any SendMessageBuilder, policy: DeliveryPolicy, rateLimiter: RateLimiter,
        domains: DomainThrottle, clock: SendClock, logger: Logger
    ) {
        self.send = send
        self.sendID = send.id ?? 0
        self.edition = edition
        self.database = database
        self.transport = transport
        self.builder = builder
        self.policy = policy
        self.rateLimiter = rateLimiter
        self.domains = domains
        self.clock = clock
        var logger = logger
        logger[metadataKey: "send.id"] = "\(send.id ?? 0)"
        logger[metadataKey: "edition"] = "\(edition)"
        self.logger = logger
    }

    /// Asks the runner to stop after the transactions in flight; the send stays `running`.
    func requestStop() {
        setStop(.shutdown)
    }

    /// Runs until the send is finished or stopped.
    /// - Returns: why it stopped.
    func run() async throws -> Stop {
        let counts = try await database.sendCounts(id: sendID)
        logger.info(
            "send running",
            metadata: [
                "total": "\(counts.total)", "remaining": "\(counts.remaining)", "sent": "\(counts.sent)",
                "concurrency": "\(policy.concurrency)", "in_flight_window": "\(policy.inFlightWindow)",
            ])
        var pumpError: (any Error)?
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.flushLoop() }
            group.addTask { await self.flushTicker() }
            group.addTask { await self.progressLoop() }
            do { try await pump() } catch { pumpError = error }
            group.cancelAll()  // the flush, tick and progress loops end with the pump
        }
        // What went out is recorded even when claiming failed (a locked or full database): a result
        // left unwritten would leave its delivery `sending`, to be sent again on the next attempt.
        try await finalFlush()
        if let pumpError { throw pumpError }
        let reason = stop.withLock { $0 } ?? .shutdown
        try await conclude(reason)
        return reason
    }

    // MARK: - Claiming and delivering

    private func pump() async throws {
        var failure: (any Error)?
        do {
            try await claimLoop()
        } catch {
            failure = error
            setStop(.shutdown)  // what is still queued in the transport comes back unsent
        }
        // Every delivery handed to the transport finishes (or is answered by its shutdown) before
        // the last flush: its result must be in the buffer by then.
        while submitted.withLock({ $0 }) > 0 { await room.wait() }
        if let failure { throw failure }
    }

    private func claimLoop() async throws {
        var failures = 0
        while stop.withLock({ $0 }) == nil {
            do {
                if try await claimAndSubmit() { return }
                failures = 0
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // A locked or full database: nothing was claimed; try again after a while.
                failures += 1
                databaseFailed(error)
                do { try await clock.sleep(Self.databaseBackoff(failures, maximum: 5)) } catch { setStop(.shutdown) }
            }
        }
    }

    /// One round of the claim loop: claims a batch and hands it to the transport, or waits.
    /// - Returns: whether the loop is over (the send is complete or someone changed its status).
    private func claimAndSubmit() async throws -> Bool {
        // Claim a batch only when the window has room for all of it.
        if policy.inFlightWindow - inFlight.withLock({ $0 }) < policy.batchSize {
            try await room.waitUnlessCancelled()
            return false
        }
        let claim = try await database.claimDeliveries(
            sendID: sendID, listID: send.listID, limit: policy.batchSize, now: clock.now())
        databaseWorked()
        guard claim.sendStatus == .running else {
            setStop(.status(claim.sendStatus))
            return true
        }
        if claim.skipped > 0 {
            logger.debug("skipped recipients no longer on the list", metadata: ["count": "\(claim.skipped)"])
        }
        guard claim.deliveries.isEmpty else {
            inFlight.withLock { $0 += claim.deliveries.count }
            for delivery in claim.deliveries { try await submit(delivery) }
            return false
        }
        if claim.skipped > 0 { return false }
        guard let wait = try await idleWait() else {
            setStop(.complete)
            return true
        }
        do { try await clock.sleep(wait) } catch { setStop(.shutdown) }
        return false
    }

    /// Hands one claimed delivery to the transport, or returns it to the queue when it may not go now.
    private func submit(_ delivery: Delivery.Claimed) async throws {
        while submitted.withLock({ $0 }) >= transportLimit {
            try await room.waitUnlessCancelled()
        }
        guard stop.withLock({ $0 }) == nil else { return record(returned(delivery, until: nil)) }
        if let retry = domains.acquire(domain: delivery.domain, now: clock.now()) {
            return record(returned(delivery, until: retry))
        }
        do {
            try await rateLimiter.acquire()
        } catch {
            domains.release(domain: delivery.domain, slowDown: false, now: clock.now())
            record(returned(delivery, until: nil))
            throw error
        }
        submitted.withLock { $0 += 1 }
        transport.enqueue(DeliveryWork(runner: self, delivery: delivery))
    }

    /// On the transport's thread: the message for `delivery`, or `nil` (with its result recorded)
    /// when the send stopped meanwhile or the message cannot be composed.
    fileprivate func compose(_ delivery: Delivery.Claimed) -> OutgoingMessage? {
        var unsent: Delivery.Result?
        var message: OutgoingMessage?
        if stop.withLock({ $0 }) != nil {
            unsent = returned(delivery, until: nil)
        } else {
            do {
                message = try builder.message(for: delivery, date: clock.now())
            } catch {
                logger.error(
                    "cannot compose message", metadata: ["delivery.id": "\(delivery.id)", "error": "\(error)"])
                unsent = Delivery.Result(
                    deliveryID: delivery.id, subscriberID: delivery.subscriberID, kind: .failed,
                    reply: "cannot compose message: \(error)")
            }
        }
        if let unsent {
            domains.release(domain: delivery.domain, slowDown: false, now: clock.now())
            record(unsent)
            workDone()
        }
        return message
    }

    /// On the transport's thread: records the outcome of the transaction for `delivery`.
    fileprivate func finish(_ delivery: Delivery.Claimed, outcome: SMTPOutcome) {
        let stallEnded = lastOutcome.withLock { last in
            defer { last = (clock.now(), false) }
            return last.stallReported
        }
        if stallEnded { logger.notice("the relay answers again") }
        domains.release(domain: delivery.domain, slowDown: DomainThrottle.isSlowDown(outcome), now: clock.now())
        let result = result(of: outcome, for: delivery)
        // A delivery still queued when the transport closed never had a transaction.
        if outcome != CurlSMTPTransport.shutDownOutcome { messages.record(result.kind) }
        record(result)
        workDone()
    }

    private func workDone() {
        let left = submitted.withLock { count in
            count -= 1
            return count
        }
        if left == transportRefill || left == 0 { room.signal() }
    }

    /// How long to wait when nothing is due, or `nil` when the send is complete.
    private func idleWait() async throws -> Duration? {
        // Results not yet written may still turn into deferred rows: wait for the flush.
        guard inFlight.withLock({ $0 }) == 0 else { return .milliseconds(50) }
        let counts = try await database.sendCounts(id: sendID)
        guard counts.remaining > 0 else { return nil }
        let next = try await database.nextDeferredAttempt(sendID: sendID)
        let seconds = next.map { $0.timeIntervalSince(clock.now()) } ?? 1
        // Wake at least every second to notice a pause or cancel from the command line.
        return .fromSeconds(min(max(seconds, 0.05), 1))
    }

    private func result(of outcome: SMTPOutcome, for delivery: Delivery.Claimed) -> Delivery.Result {
        let now = clock.now()
        let kind: Delivery.Result.Kind
        switch outcome.classification {
        case .delivered:
            connectionFailures.withLock { $0 = (0, nil) }
            kind = .sent
        case .transient:
            connectionFailures.withLock { $0 = (0, nil) }
            let started = send.startedAt ?? now
            if now.timeIntervalSince(started) >= policy.maxAge.seconds {
                kind = .failed
            } else {
                let delay = policy.retryDelay(attempt: delivery.attempts + 1)
                kind = .deferred(until: now.addingTimeInterval(delay.seconds))
            }
        case .permanent:
            connectionFailures.withLock { $0 = (0, nil) }
            kind = .bounced
        case .connectionFailed:
            return connectionFailed(outcome, for: delivery, now: now)
        }
        return Delivery.Result(
            deliveryID: delivery.id, subscriberID: delivery.subscriberID, kind: kind,
            code: outcome.reply?.code, enhancedStatus: outcome.reply?.enhancedStatus,
            reply: String(outcome.description.prefix(500)))
    }

    private func connectionFailed(_ outcome: SMTPOutcome, for delivery: Delivery.Claimed, now: Date)
        -> Delivery.Result
    {
        let (failures, since) = connectionFailures.withLock { state in
            state.count += 1
            if state.since == nil { state.since = now }
            return (state.count, state.since ?? now)
        }
        // A relay blip (a restart, a short outage) is retried with backoff; only failures lasting
        // `pauseAfter` (and at least `pauseAfterConnectionFailures` of them) pause the send.
        let failingFor = now.timeIntervalSince(since)
        if policy.pauseAfterConnectionFailures > 0, failures >= policy.pauseAfterConnectionFailures,
            failingFor >= policy.pauseAfter.seconds
        {
            setStop(
                .connectionFailures(
                    "paused after \(failures) \(Self.relayPauseMarker) in \(Int(failingFor)) s "
                        + "(last: \(outcome.description)); it resumes by itself when the relay answers again, "
                        + "or fix the relay and run `rundbrief send resume \(sendID)`"))
        }
        let delay = policy.connectionRetryDelay(failures: failures)
        var result = returned(delivery, until: now.addingTimeInterval(delay.seconds))
        result.code = outcome.reply?.code
        result.reply = String(outcome.description.prefix(500))
        return result
    }

    /// In the reason of a send that paused itself because the relay could not be reached: the sender
    /// resumes such a send by itself once the relay answers again.
    static let relayPauseMarker = "consecutive connection failures"

    private func returned(_ delivery: Delivery.Claimed, until: Date?) -> Delivery.Result {
        Delivery.Result(deliveryID: delivery.id, subscriberID: delivery.subscriberID, kind: .returned(until: until))
    }

    private func setStop(_ reason: Stop) {
        stop.withLock { current in
            if current == nil { current = reason }
        }
    }

    // MARK: - Recording

    /// Buffers a result (from any thread); a full batch wakes the flush loop.
    private func record(_ result: Delivery.Result) {
        let full = results.withLock { buffer in
            buffer.append(result)
            return buffer.count >= policy.batchSize
        }
        if full { flushDue.signal() }
    }

    private func flush() async throws {
        let batch = results.withLock { buffer in
            let taken = buffer
            buffer.removeAll(keepingCapacity: true)
            return taken
        }
        guard !batch.isEmpty else { return }
        do {
            try await database.recordResults(batch, bouncePolicy: policy.bounces, now: clock.now())
        } catch {
            // Not written (GRDB rolls the transaction back, also when the write was cancelled at
            // shutdown): the results go back to the front of the buffer for the next flush, or else
            // their deliveries would stay `sending` and the send could never finish.
            results.withLock { $0.insert(contentsOf: batch, at: 0) }
            throw error
        }
        inFlight.withLock { $0 -= batch.count }
        room.signal()
    }

    /// The last flush of a run, tried until it succeeds: the database may be locked for a while (a
    /// backup, an operator's sqlite3 shell) or its disk full. Giving up would drop the results and leave
    /// their deliveries `sending`. Only cancellation (the daemon's shutdown deadline) ends it unwritten;
    /// the next start then re-queues those deliveries, as after a crash.
    private func finalFlush() async throws {
        var failures = 0
        while true {
            do {
                try await flush()
                return databaseWorked()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failures += 1
                databaseFailed(error)
                try await clock.sleep(Self.databaseBackoff(failures, maximum: 5))
            }
        }
    }

    private func flushLoop() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await flushDue.waitUnlessCancelled()
                try await flush()
                failures = 0
                databaseWorked()
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                databaseFailed(error)
                do { try await clock.sleep(Self.databaseBackoff(failures, maximum: 5)) } catch { return }
            }
        }
    }

    /// The wait after `failures` failed database writes in a row: half a second, doubling up to `maximum`.
    private static func databaseBackoff(_ failures: Int, maximum: Double) -> Duration {
        .fromSeconds(min(0.5 * pow(2, Double(min(max(failures - 1, 0), 10))), maximum))
    }

    /// Logs the first failure of a stretch of database trouble as an error saying what to do.
    private func databaseFailed(_ error: any Error) {
        let first = databaseTrouble.withLock { since in
            guard since == nil else { return false }
            since = clock.now()
            return true
        }
        guard first else {
            return logger.debug("database still not writable", metadata: ["error": "\(error)"])
        }
        let advice = Self.advice(for: error)
        logger.error(
            "cannot write to the database: \(advice); results stay in memory and the send carries on by itself once the database is writable again",
            metadata: ["error": "\(error)"])
    }

    /// Ends a stretch of database trouble, saying so once.
    private func databaseWorked() {
        guard
            let since = databaseTrouble.withLock({ since in
                defer { since = nil }; return since
            })
        else { return }
        logger.notice(
            "database writable again; the send carries on",
            metadata: ["after_seconds": "\(String(format: "%.1f", clock.now().timeIntervalSince(since)))"])
    }

    private static func advice(for error: any Error) -> String {
        switch (error as? StoreError)?.code {
        case .diskFull: "the disk holding the database is full; free space on it"
        case .busy: "another process holds a lock on it (a backup, an sqlite3 shell?); end that process"
        case .readOnly: "the file is read-only; check its owner and permissions"
        default: "check the database file and the disk holding it"
        }
    }

    /// Flushes what trickles in at least every 100 ms, so a slow send's results are not held back.
    private func flushTicker() async {
        while !Task.isCancelled {
            do { try await clock.sleep(.milliseconds(100)) } catch { return }
            flushDue.signal()
        }
    }

    // MARK: - Progress and the end

    private func progressLoop() async {
        var lastSent: Int?
        var lastTime = clock.now()
        lastOutcome.withLock { $0.at = lastTime }
        while !Task.isCancelled {
            do {
                try await clock.sleep(policy.progressInterval)
                guard !Task.isCancelled else { return }
                reportStall()
                let counts = try await database.sendCounts(id: sendID)
                let now = clock.now()
                let elapsed = now.timeIntervalSince(lastTime)
                let rate = lastSent.map { elapsed > 0 ? Double(counts.sent - $0) / elapsed : 0 } ?? 0
                lastSent = counts.sent
                lastTime = now
                report(counts, status: .running, rate: rate, level: .info, message: "send progress")
            } catch {
                return
            }
        }
    }

    /// Warns once when transactions are open but none has finished for ``DeliveryPolicy/stallWarningAfter``
    /// (a relay that accepted the connections and stopped answering); ``finish(_:outcome:)`` says when
    /// it answers again.
    private func reportStall() {
        let open = submitted.withLock { $0 }
        let now = clock.now()
        let silent = lastOutcome.withLock { last -> Double? in
            guard open > 0, !last.stallReported, let at = last.at,
                now.timeIntervalSince(at) >= policy.stallWarningAfter.seconds
            else { return nil }
            last.stallReported = true
            return now.timeIntervalSince(at)
        }
        guard let silent else { return }
        logger.warning(
            "the relay has not finished a transaction for \(Int(silent)) s with \(open) open; it may be stalled: check it (transactions time out after smtp.timeout_seconds)"
        )
    }

    private func conclude(_ reason: Stop) async throws {
        let now = clock.now()
        switch reason {
        case .complete:
            let counts = try await database.sendCounts(id: sendID)
            try await database.finishOrPause(sendID: sendID, status: .done, reason: nil, now: now)
            report(counts, status: .done, rate: averageRate(counts, now: now), level: .info, message: "send done")
        case .connectionFailures(let why):
            try await database.finishOrPause(sendID: sendID, status: .paused, reason: why, now: now)
            let counts = try await database.sendCounts(id: sendID)
            report(counts, status: .paused, rate: 0, level: .warning, message: "send paused: \(why)")
        case .status(let status):
            let counts = try await database.sendCounts(id: sendID)
            report(counts, status: status, rate: 0, level: .notice, message: "send stopped: it is \(status.rawValue)")
        case .shutdown:
            let counts = try await database.sendCounts(id: sendID)
            report(
                counts, status: .running, rate: 0, level: .notice,
                message: "send interrupted by shutdown; resumes at next start")
        }
    }

    private func averageRate(_ counts: SendCounts, now: Date) -> Double {
        guard let started = send.startedAt, now > started else { return 0 }
        return Double(counts.sent) / now.timeIntervalSince(started)
    }

    private func report(_ counts: SendCounts, status: SendStatus, rate: Double, level: Logger.Level, message: String) {
        logger.log(
            level: level, "\(message)",
            metadata: [
                "sent": "\(counts.sent)", "deferred": "\(counts.deferred)", "failed": "\(counts.failed)",
                "skipped": "\(counts.skipped)", "remaining": "\(counts.remaining)",
                "rate": "\(String(format: "%.1f", rate))",
            ])
    }
}

/// One delivery as the transport sees it: composed and recorded on the connection's thread.
private struct DeliveryWork: TransportWork {
    let runner: SendRunner
    let delivery: Delivery.Claimed

    func message() -> OutgoingMessage? { runner.compose(delivery) }
    func finished(_ outcome: SMTPOutcome) { runner.finish(delivery, outcome: outcome) }
}
