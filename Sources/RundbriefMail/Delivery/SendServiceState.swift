import Foundation
import Logging
import RundbriefCore
import RundbriefStore
import Synchronization

/// The mutable side of ``SendService``: which sends have a runner, retries, relay probes, shutdown.
final class SendServiceState: Sendable {
    private let database: AppDatabase
    private let transport: any MailTransport
    private let policy: DeliveryPolicy
    private let makeBuilder: SendMessageBuilderFactory
    private let clock: SendClock
    private let tick: Duration
    private let logger: Logger
    private let rateLimiter: RateLimiter
    private let domains: DomainThrottle

    private let runners = Mutex<[Int64: SendRunner]>([:])
    /// Sends with a runner (or one being prepared) in this process.
    private let active = Mutex<Set<Int64>>([])
    /// Sends whose runner failed, and when to try again (so a broken send does not spin).
    private let retryAfter = Mutex<[Int64: Date]>([:])
    /// Sends whose `sending` rows this process has re-queued: only rows a previous process left.
    private let recovered = Mutex<Set<Int64>>([])
    private let stopping = Mutex(false)
    /// Probing the relay for sends paused after connection failures: when next, the current wait,
    /// and whether a probe is running.
    private let relayProbe = Mutex<(next: Date?, delay: Double, running: Bool)>((nil, 0, false))
    /// Aborts the transactions still running at half the shutdown timeout (a stalled relay).
    private let abortTimer = Mutex<Task<Void, Never>?>(nil)
    /// When this sender started: whether it ran at a send's scheduled time explains why the send is overdue.
    private let startedAt: Date

    init(
        database: AppDatabase, transport: any MailTransport, policy: DeliveryPolicy,
        makeBuilder: @escaping SendMessageBuilderFactory, clock: SendClock, tick: Duration, logger: Logger
    ) {
        self.database = database
        self.transport = transport
        self.policy = policy
        self.makeBuilder = makeBuilder
        self.clock = clock
        self.tick = tick
        self.logger = logger
        rateLimiter = RateLimiter(perSecond: policy.rate, perHour: policy.ratePerHour, clock: clock)
        domains = DomainThrottle(limits: policy.domainLimits, maxBackoff: policy.domainBackoffMax.seconds)
        startedAt = clock.now()
    }

    func run() async throws {
        logger.info(
            "sender started",
            metadata: ["in_flight_window": "\(policy.inFlightWindow)", "concurrency": "\(policy.concurrency)"])
        await withTaskGroup(of: Void.self) { group in
            while !stopping.withLock({ $0 }), !Task.isCancelled {
                do {
                    try await startDueSends()
                    for send in try await sendsNeedingRunner() {
                        group.addTask { await self.runSend(send) }
                    }
                    if let waiting = try await relayProbeDue() {
                        group.addTask { await self.probeRelay(resuming: waiting) }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.error("scheduler error", metadata: ["error": "\(error)"])
                }
                do { try await clock.sleep(tick) } catch { break }
            }
            shutdown()
            await group.waitForAll()
        }
        abortTimer.withLock { $0?.cancel() }
        logger.info("sender stopped")
    }

    /// Stops claiming; transactions in flight may finish for half of `delivery.shutdown_timeout_seconds`,
    /// then they are aborted and their deliveries go back to the queue for the next start, so the
    /// shutdown always ends in time (a relay that stalls mid-transaction would otherwise hold it).
    func shutdown() {
        let first = stopping.withLock { stopping in
            defer { stopping = true }
            return !stopping
        }
        for runner in runners.withLock({ Array($0.values) }) { runner.requestStop() }
        guard first else { return }
        let grace = policy.shutdownTimeout / 2
        let timer = Task { [clock, transport, logger] in
            do { try await clock.sleep(grace) } catch { return }
            logger.warning(
                "SMTP transactions still running \(grace.seconds) s into the shutdown; aborting them (their deliveries go again at the next start)"
            )
            transport.abortTransfers()
        }
        abortTimer.withLock { $0 = timer }
    }

    // MARK: - Scheduling

    /// Starts scheduled sends whose time has come; one overdue by more than the policy allows
    /// (the daemon was down) is paused instead, so nobody gets yesterday's news without a decision.
    private func startDueSends() async throws {
        let now = clock.now()
        for send in try await database.dueSends(now: now) {
            guard let id = send.id else { continue }
            let late = now.timeIntervalSince(send.scheduledAt)
            if late > policy.overdueAfter.seconds {
                let reason =
                    "overdue by \(Int(late / 60)) min (more than \(Int(policy.overdueAfter.seconds / 60)) min: "
                    + overdueCause(send) + "); start it with `rundbrief send resume \(id)` "
                    + "or move it with `rundbrief send reschedule \(id) --at TIME`"
                try database.pauseSend(id: id, reason: reason, now: now)
                logger.warning("send not started: \(reason)", metadata: ["send.id": "\(id)"])
                continue
            }
            if let started = try await database.startSend(id: id, now: now, timeZone: policy.timeZone) {
                let counts = try await database.sendCounts(id: id)
                logger.info(
                    "send started: audience frozen",
                    metadata: [
                        "send.id": "\(id)", "edition": "\(started.decodedSnapshot?.slug ?? "?")",
                        "recipients": "\(counts.total)",
                    ])
            }
        }
    }

    /// Why a send is found overdue: its time had passed when it was (re)scheduled, or the daemon was
    /// not running then, or it ran but could not start the send (the database was unusable meanwhile).
    private func overdueCause(_ send: Send) -> String {
        if send.updatedAt > send.scheduledAt {
            return "its time had already passed when it was scheduled"
        }
        if startedAt > send.scheduledAt {
            return "the daemon was not running at the scheduled time"
        }
        return "the daemon could not start it at the scheduled time; see the log for scheduler errors"
    }

    /// Running sends without a runner in this process: new ones, and those left running by a
    /// previous process (a restart or a crash).
    private func sendsNeedingRunner() async throws -> [Send] {
        let now = clock.now()
        let running = try await database.runningSends()
        return running.filter { send in
            guard let id = send.id else { return false }
            if let after = retryAfter.withLock({ $0[id] }), after > now { return false }
            return active.withLock { $0.insert(id).inserted }
        }
    }

    private func runSend(_ send: Send) async {
        guard let id = send.id else { return }
        defer { _ = active.withLock { $0.remove(id) } }
        guard !stopping.withLock({ $0 }) else { return }
        let edition = send.decodedSnapshot?.slug ?? "?"
        var log = logger
        log[metadataKey: "send.id"] = "\(id)"
        log[metadataKey: "edition"] = "\(edition)"
        let runner: SendRunner
        do {
            let list = try await database.sendList(id: send.listID)
            let builder = try await makeBuilder(send, list)
            runner = SendRunner(
                send: send, edition: edition, database: database, transport: transport, builder: builder,
                policy: policy, rateLimiter: rateLimiter, domains: domains, clock: clock, logger: logger)
            runners.withLock { $0[id] = runner }
            if stopping.withLock({ $0 }) { runner.requestStop() }
        } catch {
            await fail(id: id, error: error, log: log)
            return
        }
        defer { _ = runners.withLock { $0.removeValue(forKey: id) } }
        do {
            // Once per process, before this process claimed anything of the send: rows still `sending`
            // were left by a previous process (it holds no daemon lock any more: it died or stopped
            // mid-transaction). Sending them again may duplicate at most the in-flight window. A later
            // runner of the same send in this process never re-queues: those rows are its own.
            if !recovered.withLock({ $0.contains(id) }) {
                let requeued = try await database.requeueInFlight(sendID: id, now: clock.now())
                recovered.withLock { _ = $0.insert(id) }
                if requeued > 0 {
                    log.notice(
                        "resuming after an interruption: re-queued deliveries that were in flight",
                        metadata: ["count": "\(requeued)"])
                }
            }
            _ = try await runner.run()
        } catch is CancellationError {
            // The shutdown deadline came while results could not be written (a full disk, a lock):
            // their deliveries stay `sending`, and the next start re-queues them, as after a crash.
            log.notice("send interrupted by shutdown before all results were written; the next start sends those again")
        } catch {
            log.error("sender error; retrying shortly", metadata: ["error": "\(error)"])
            retryAfter.withLock { $0[id] = clock.now().addingTimeInterval(5) }
        }
    }

    // MARK: - Resuming after the relay comes back

    /// Sends paused for connection failures, when a probe of the relay is due (and none runs).
    private func relayProbeDue() async throws -> [Send]? {
        let waiting = try await database.pausedSends().filter {
            $0.statusReason?.contains(SendRunner.relayPauseMarker) == true
        }
        let now = clock.now()
        let initial = policy.relayProbeInitial.seconds
        return relayProbe.withLock { probe in
            guard !waiting.isEmpty else {
                if !probe.running { probe = (nil, 0, false) }
                return nil
            }
            guard !probe.running else { return nil }
            guard let next = probe.next else {
                probe = (now.addingTimeInterval(initial), initial, false)
                return nil
            }
            guard next <= now else { return nil }
            probe.running = true
            return waiting
        }
    }

    /// Probes the relay; when it answers, resumes the sends that paused because it did not (one notice
    /// each), else waits twice as long (up to five minutes) before the next probe.
    private func probeRelay(resuming waiting: [Send]) async {
        let answers = await transport.probe()
        let now = clock.now()
        relayProbe.withLock { probe in
            let delay = answers ? 0 : min(max(probe.delay, 1) * 2, 300)
            probe = (answers ? nil : now.addingTimeInterval(delay), delay, false)
        }
        guard answers, !stopping.withLock({ $0 }) else { return }
        for send in waiting {
            guard let id = send.id else { continue }
            do {
                if try await database.resumePausedSend(id: id, reason: send.statusReason, now: now) {
                    logger.notice(
                        "send resumed: the relay answers again",
                        metadata: ["send.id": "\(id)", "edition": "\(send.decodedSnapshot?.slug ?? "?")"])
                }
            } catch {
                logger.error("cannot resume send", metadata: ["send.id": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// A send whose edition cannot be rendered fails: retrying would fail the same way.
    private func fail(id: Int64, error: any Error, log: Logger) async {
        let reason = "cannot prepare the edition: \(error)"
        log.error("send failed: \(reason)")
        do {
            try await database.finishOrPause(sendID: id, status: .failed, reason: reason, now: clock.now())
        } catch {
            log.error("cannot mark send failed", metadata: ["error": "\(error)"])
            retryAfter.withLock { $0[id] = clock.now().addingTimeInterval(30) }
        }
    }
}
