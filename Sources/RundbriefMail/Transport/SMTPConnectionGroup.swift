import CCurl
import Synchronization

/// Several SMTP connections driven by one thread through a libcurl multi handle.
///
/// A thread per connection spends most of its time waiting for the relay's next reply, and every
/// reply costs a context switch; one thread waiting for all of its connections at once (`poll`)
/// handles the replies that arrived meanwhile in one go. The thread composes each message when a
/// connection becomes free, so composing runs beside the other connections' transfers.
///
/// Each connection is an ``SMTPConnectionWorker`` (its easy handle, transcript and recipient list);
/// the multi handle keeps the open connections between messages. A job runs exactly as with a
/// blocking transfer: one transaction, retried once when a reused connection turned out to be dead.
final class SMTPConnectionGroup {
    private final class Slot {
        let worker: SMTPConnectionWorker
        var job: SMTPJob?
        var message: OutgoingMessage?
        var retried = false

        init(worker: SMTPConnectionWorker) { self.worker = worker }
    }

    private let slots: [Slot]
    private let queue: BlockingJobQueue<SMTPJob>
    /// Used only by the group's thread; the waker may wake a poll on it from others.
    private let multi: UnsafeMutableRawPointer
    let waker: Waker

    /// Wakes the group's thread from `curl_multi_poll` when a job arrives while some of its
    /// connections are free (from any thread).
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
            multi.withLock { multi in
                if let handle = UnsafeMutableRawPointer(bitPattern: multi) { _ = curl_multi_wakeup(handle) }
            }
        }

        /// Called by the group's thread before it frees the multi handle.
        fileprivate func retire() {
            multi.withLock { $0 = 0 }
        }
    }

    init(workers: [SMTPConnectionWorker], queue: BlockingJobQueue<SMTPJob>) throws(TransportError) {
        guard let multi = curl_multi_init() else {
            throw TransportError(.curlUnavailable, "curl_multi_init returned no handle")
        }
        // Keeps every connection open between messages; by default libcurl keeps four per transfer
        // running at the time, and closes the rest when a send thins out.
        let code = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, workers.count)
        guard code == CURLM_OK else {
            _ = curl_multi_cleanup(multi)
            throw TransportError(
                .invalidOption, "CURLMOPT_MAXCONNECTS: \(String(cString: curl_multi_strerror(code)))")
        }
        slots = workers.map(Slot.init)
        self.queue = queue
        self.multi = multi
        waker = Waker(multi)
    }

    /// Takes jobs until the queue closes and every transaction has ended, reports its exit, then
    /// closes the connections (QUIT).
    static func run(_ group: SMTPConnectionGroup) {
        group.loop()
        // Reported before the QUITs: libcurl waits for their replies, and a relay that stalled (the
        // reason transfers were aborted) would hold the daemon's exit until the SMTP timeout.
        group.queue.workerExited()
        group.waker.retire()
        // The easy handles were all removed: this closes the connections the multi handle kept.
        _ = curl_multi_cleanup(group.multi)
    }

    private func loop() {
        var active = 0
        var closed = false
        while true {
            if !closed { closed = fill(&active) }
            guard active > 0 else {
                if closed { return }
                continue
            }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            let finished = collectFinished()
            active -= finished
            // A connection that became free takes its next job before the thread waits again.
            guard finished == 0, active > 0 else { continue }
            let free = !closed && slots.contains { $0.job == nil }
            if free {
                waker.wantsWork.store(true, ordering: .sequentiallyConsistent)
                // A job submitted before the flag was set woke nobody: take it now.
                if queue.hasJobs {
                    waker.wantsWork.store(false, ordering: .sequentiallyConsistent)
                    continue
                }
            }
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            if free { waker.wantsWork.store(false, ordering: .sequentiallyConsistent) }
        }
    }

    /// Starts a job on every free connection while jobs are queued; blocks for one only when no
    /// transfer is running.
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
    /// - Returns: whether a transfer started (else the job was answered, or had nothing to send).
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

    /// Prepares the slot's message on its handle and adds the handle to the multi handle.
    /// - Returns: whether the transfer started (else the job was answered).
    private func begin(_ slot: Slot) -> Bool {
        guard let message = slot.message else { return false }
        if let refused = slot.worker.begin(message) {
            finish(slot, refused)
            return false
        }
        let code = curl_multi_add_handle(multi, slot.worker.easyHandle)
        guard code == CURLM_OK else {
            _ = slot.worker.end(CURLE_FAILED_INIT)
            let reason = String(cString: curl_multi_strerror(code))
            finish(slot, SMTPOutcome(classification: .connectionFailed, stage: .connect, detail: reason))
            return false
        }
        return true
    }

    /// Handles the transfers libcurl reports done.
    /// - Returns: how many transfers ended (a retried one has not).
    private func collectFinished() -> Int {
        var ended = 0
        var left: Int32 = 0
        while let info = curl_multi_info_read(multi, &left) {
            guard info.pointee.msg == CURLMSG_DONE, let easy = info.pointee.easy_handle else { continue }
            // The info is only valid until the handle is removed.
            let code = info.pointee.data.result
            _ = curl_multi_remove_handle(multi, easy)
            guard let slot = slots.first(where: { $0.worker.easyHandle == easy }) else { continue }
            let (outcome, retryable) = slot.worker.end(code)
            if retryable && !slot.retried {
                slot.retried = true
                if begin(slot) { continue }
            } else {
                finish(slot, outcome)
            }
            ended += 1
        }
        return ended
    }

    /// Counts the outcome, frees the slot and answers its job.
    private func finish(_ slot: Slot, _ outcome: SMTPOutcome) {
        slot.worker.count(outcome)
        let job = slot.job
        slot.job = nil
        slot.message = nil
        job?.answer(outcome)
    }
}
