import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Several SMTP connections driven by one thread.
///
/// A thread per connection spends most of its time waiting for the relay's next reply, and every
/// reply costs a context switch; one thread waiting for all of its connections at once (`poll`)
/// handles the replies that arrived meanwhile in one go. The thread composes each message when a
/// connection becomes free, so composing runs beside the other connections' transactions.
///
/// Each connection is an ``SMTPConnection``. A libcurl multi handle without transfers serves as the
/// poll (`curl_multi_poll` on the connections' sockets), because `curl_multi_wakeup` lets another
/// thread wake it when a job arrives. A job runs as one transaction, retried once on a new connection
/// when a reused one turned out to be dead before the relay answered anything.
///
/// A connection is opened (TCP, TLS, AUTH) on a short-lived thread of its own, which hands it back
/// when the relay has accepted the login: libcurl opens a CONNECT_ONLY connection by
/// `curl_easy_perform`, which blocks (a multi handle shared by several would prune the others' open
/// connections as idle ones: `prune_dead_connections` in 7.88). So the connections open side by side,
/// and a relay slow to greet holds up no transaction on the connections already open.
final class SMTPConnectionGroup {
    private final class Slot {
        let connection: SMTPConnection
        let index: Int
        var job: SMTPJob?
        var message: OutgoingMessage?
        var retried = false
        /// While a thread of its own opens the connection, nothing else touches it.
        var opening = false

        init(connection: SMTPConnection, index: Int) {
            self.connection = connection
            self.index = index
        }
    }

    /// Where the opening threads report: the slot, and why the relay could not be used, if so.
    private final class Openings: Sendable {
        private let reports = Mutex<[(slot: Int, refusal: SMTPOutcome?)]>([])

        func report(slot: Int, refusal: SMTPOutcome?) {
            reports.withLock { $0.append((slot, refusal)) }
        }

        func take() -> [(slot: Int, refusal: SMTPOutcome?)] {
            reports.withLock { reports in
                defer { reports.removeAll() }
                return reports
            }
        }
    }

    /// Moves a connection into the thread that opens it, and back (see ``Slot/opening``).
    private struct ConnectionHandOver: @unchecked Sendable {
        // @unchecked: the group's thread leaves the connection alone until the opening is reported.
        let connection: SMTPConnection
    }

    private let openings = Openings()

    private let slots: [Slot]
    private let queue: BlockingJobQueue<SMTPJob>
    private let abort: TransferAbortFlag
    /// Used only by the group's thread; the waker may wake a poll on it from others.
    private let multi: UnsafeMutableRawPointer
    let waker: Waker
    private var polled: [curl_waitfd] = []
    private var polledSlots: [Slot] = []

    /// Wakes the group's thread from `curl_multi_poll` (from any thread): when a job arrives while
    /// some of its connections are free, or when transactions must be aborted.
    final class Waker: Sendable {
        /// The multi handle's address while the group's thread runs; 0 once it is cleaned up.
        private let multi: Mutex<UInt>
        /// Set while the thread polls with a free connection: only then does a new job need a wake-up.
        fileprivate let wantsWork = Atomic<Bool>(false)

        fileprivate init(_ multi: UnsafeMutableRawPointer) {
            self.multi = Mutex(UInt(bitPattern: multi))
        }

        func wakeIfWaiting() {
            guard wantsWork.exchange(false, ordering: .sequentiallyConsistent) else { return }
            wake()
        }

        func wake() {
            multi.withLock { multi in
                if let handle = UnsafeMutableRawPointer(bitPattern: multi) { _ = curl_multi_wakeup(handle) }
            }
        }

        /// Called by the group's thread before it frees the multi handle.
        fileprivate func retire() {
            multi.withLock { $0 = 0 }
        }
    }

    init(connections: [SMTPConnection], queue: BlockingJobQueue<SMTPJob>, abort: TransferAbortFlag)
        throws(TransportError)
    {
        guard let multi = curl_multi_init() else {
            throw TransportError(.curlUnavailable, "curl_multi_init returned no handle")
        }
        slots = connections.enumerated().map { Slot(connection: $1, index: $0) }
        self.queue = queue
        self.abort = abort
        self.multi = multi
        waker = Waker(multi)
        polled.reserveCapacity(connections.count)
        polledSlots.reserveCapacity(connections.count)
    }

    /// Takes jobs until the queue closes and every transaction has ended, closes the connections
    /// (QUIT, without waiting for the replies), then reports its exit.
    static func run(_ group: SMTPConnectionGroup) {
        group.loop()
        for slot in group.slots { slot.connection.close(quit: true) }
        group.queue.workerExited()
        group.waker.retire()
        _ = curl_multi_cleanup(group.multi)
    }

    private func loop() {
        var active = 0
        var closed = false
        while true {
            if abort.isRaised { active -= abortAll() }
            active -= collectOpenings()
            if !closed { closed = fill(&active) }
            guard active > 0 else {
                if closed { return }
                continue
            }
            let free = !closed && slots.contains { $0.job == nil }
            if free {
                waker.wantsWork.store(true, ordering: .sequentiallyConsistent)
                // A job submitted before the flag was set woke nobody: take it now.
                if queue.hasJobs {
                    waker.wantsWork.store(false, ordering: .sequentiallyConsistent)
                    continue
                }
            }
            active -= poll()
            if free { waker.wantsWork.store(false, ordering: .sequentiallyConsistent) }
        }
    }

    /// Waits for the busy connections' sockets (or a wake-up, or the nearest deadline), then lets
    /// each ready connection go on.
    /// - Returns: how many transactions ended.
    private func poll() -> Int {
        polled.removeAll(keepingCapacity: true)
        polledSlots.removeAll(keepingCapacity: true)
        var nearest: ContinuousClock.Instant?
        for slot in slots where slot.job != nil && slot.connection.inTransaction {
            var events = Int16(POLLIN)
            if slot.connection.wantsWrite { events |= Int16(POLLOUT) }
            polled.append(curl_waitfd(fd: slot.connection.socket, events: events, revents: 0))
            polledSlots.append(slot)
            if let deadline = slot.connection.deadline, nearest.map({ deadline < $0 }) ?? true { nearest = deadline }
        }
        var timeout: Int32 = 1000
        if let nearest {
            let left = ContinuousClock.now.duration(to: nearest)
            timeout = max(
                0,
                min(
                    1000,
                    Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1))
        }
        let count = UInt32(polled.count)
        _ = polled.withUnsafeMutableBufferPointer { fds in
            curl_multi_poll(multi, fds.baseAddress, count, timeout, nil)
        }
        var ended = 0
        let now = ContinuousClock.now
        for (index, slot) in polledSlots.enumerated() {
            let revents = Int32(polled[index].revents)
            var event = SMTPConnection.Event.pending
            if revents != 0 {
                event = slot.connection.pump(readable: revents & Int32(POLLIN | POLLHUP | POLLERR) != 0)
            }
            if case .pending = event { event = slot.connection.checkDeadline(now) }
            if case .finished(let outcome, let retryable) = event, settle(slot, outcome, retryable: retryable) {
                ended += 1
            }
        }
        return ended
    }

    /// Ends every transaction in progress as aborted.
    /// - Returns: how many ended.
    private func abortAll() -> Int {
        var ended = 0
        for slot in slots where slot.job != nil && !slot.opening {
            if case .finished(let outcome, _) = slot.connection.abortTransaction() {
                finish(slot, outcome)
                ended += 1
            }
        }
        return ended
    }

    /// Starts a job on every free connection while jobs are queued; blocks for one only when no
    /// transaction is running.
    /// - Returns: whether the queue is closed (and empty).
    private func fill(_ active: inout Int) -> Bool {
        for slot in slots where slot.job == nil {
            while slot.job == nil {
                switch queue.take(wait: active == 0) {
                case .job(let job): if start(job, on: slot) { active += 1 }
                case .empty: return false
                case .closed: return true
                }
            }
        }
        return false
    }

    /// Composes `job`'s message and starts its transaction on `slot`.
    /// - Returns: whether a transaction is in progress (else the job was answered, or had nothing to send).
    private func start(_ job: SMTPJob, on slot: Slot) -> Bool {
        let message: OutgoingMessage
        switch job {
        case .message(let given, _):
            message = given
        case .work(let work):
            guard let composed = work.message() else { return false }
            message = composed
        }
        slot.job = job
        slot.message = message
        slot.retried = false
        return begin(slot)
    }

    /// Opens the slot's connection when needed and begins the transaction of its message.
    /// - Returns: whether the transaction is in progress (else the job was answered).
    private func begin(_ slot: Slot) -> Bool {
        guard let message = slot.message else { return false }
        if abort.isRaised {
            finish(
                slot, SMTPOutcome(classification: .connectionFailed, stage: .connect, detail: SMTPConnection.aborted))
            return false
        }
        if !slot.connection.isOpen {
            open(slot)
            return true
        }
        switch slot.connection.begin(message) {
        case .pending:
            return true
        case .finished(let outcome, let retryable):
            return !settle(slot, outcome, retryable: retryable)
        }
    }

    /// Opens the slot's connection on a thread of its own; ``collectOpenings()`` goes on from there.
    private func open(_ slot: Slot) {
        slot.opening = true
        let handOver = ConnectionHandOver(connection: slot.connection)
        let openings = self.openings
        let waker = self.waker
        let index = slot.index
        let thread = Thread {
            let refusal = handOver.connection.open()
            openings.report(slot: index, refusal: refusal)
            waker.wake()
        }
        thread.name = "rundbrief-smtpo"
        thread.start()
    }

    /// Begins the transactions on the connections that were opened meanwhile; answers the jobs
    /// whose connection could not be opened.
    /// - Returns: how many jobs were answered.
    private func collectOpenings() -> Int {
        var ended = 0
        for report in openings.take() {
            let slot = slots[report.slot]
            slot.opening = false
            if let refusal = report.refusal {
                finish(slot, refusal)
                ended += 1
            } else if !begin(slot) {
                ended += 1
            }
        }
        return ended
    }

    /// Handles a transaction's end: a retryable one starts again once, else the job is answered.
    /// - Returns: whether the job was answered (its slot is free).
    private func settle(_ slot: Slot, _ outcome: SMTPOutcome, retryable: Bool) -> Bool {
        if retryable && !slot.retried {
            slot.retried = true
            return !begin(slot)
        }
        finish(slot, outcome)
        return true
    }

    /// Counts the outcome, frees the slot and answers its job.
    private func finish(_ slot: Slot, _ outcome: SMTPOutcome) {
        slot.connection.count(outcome)
        let job = slot.job
        slot.job = nil
        slot.message = nil
        job?.answer(outcome)
    }
}
