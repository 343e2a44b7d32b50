import Foundation

/// A FIFO that worker threads block on, and async callers feed.
///
/// Workers are real threads, not Swift tasks, because libcurl blocks its thread for whole SMTP
/// transactions: a condition variable is the natural way to park them. A worker busy with other
/// transfers takes jobs without blocking and is woken through ``onSubmit`` instead.
final class BlockingJobQueue<Job: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable field below is only touched while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var isClosed = false
    private var liveWorkers: Int
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    /// Called after a job was added and after closing (outside the lock): wakes workers that wait
    /// elsewhere than in ``take(wait:)`` (a poll on their connections). Set before the first job.
    var onSubmit: (@Sendable () -> Void)?

    /// What ``take(wait:)`` found.
    enum Take {
        case job(Job)
        /// No job right now (only without waiting).
        case empty
        case closed
    }

    /// - Parameter workers: How many workers will call ``workerExited()`` when they stop.
    init(workers: Int) {
        liveWorkers = workers
    }

    /// Adds a job; returns it back when the queue is closed so the caller can answer it.
    func submit(_ job: Job) -> Job? {
        condition.lock()
        guard !isClosed else {
            condition.unlock()
            return job
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
        onSubmit?()
        return nil
    }

    /// The next job; when there is none, blocks until one comes if `wait`, else answers `.empty`.
    func take(wait: Bool) -> Take {
        condition.lock()
        defer { condition.unlock() }
        while wait && head == jobs.count && !isClosed {
            condition.wait()
        }
        guard head < jobs.count else { return isClosed ? .closed : .empty }
        return .job(dequeue())
    }

    /// Removes the first job; the lock is held.
    private func dequeue() -> Job {
        let job = jobs[head]
        head += 1
        if head == jobs.count || head > 1024 {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Whether a job is waiting.
    var hasJobs: Bool {
        condition.lock()
        defer { condition.unlock() }
        return head < jobs.count
    }

    /// Stops accepting jobs and wakes every worker.
    /// - Returns: The jobs no worker has started, for the caller to answer.
    func close() -> [Job] {
        condition.lock()
        isClosed = true
        let pending = Array(jobs[head...])
        jobs.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
        onSubmit?()
        return pending
    }

    /// Called by each worker thread as its last act.
    func workerExited() {
        condition.lock()
        liveWorkers -= 1
        let waiters = liveWorkers == 0 ? exitWaiters : []
        if liveWorkers == 0 { exitWaiters.removeAll() }
        condition.unlock()
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until every worker has exited.
    func waitForWorkers() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if liveWorkers == 0 {
                condition.unlock()
                continuation.resume()
            } else {
                exitWaiters.append(continuation)
                condition.unlock()
            }
        }
    }
}
