import Logging
public import ServiceLifecycle
import Synchronization

/// Does the part of a sign-up that depends on the address (the store lookup and writes, the
/// mailbox's mail limit, the confirmation mail) after the answer has been sent, one sign-up at a
/// time in the order they came: the answer's content and timing cannot tell a new address from
/// a known or an erased one, because nothing about the address has been looked at yet.
///
/// It holds at most `capacity` sign-ups (waiting or running); a full queue refuses more (the
/// route answers 503, whatever the address) rather than dropping them. It runs in the web
/// application's service group; on graceful shutdown the sign-ups it accepted are still done.
/// The store's async API runs the SQLite work on GRDB's threads, not on the concurrency pool.
public struct SignUpQueue: Service {
    typealias Job = @Sendable () async -> Void

    private let state: SignUpQueueState
    private let jobs: AsyncStream<Job>

    init(capacity: Int) {
        let (jobs, continuation) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .unbounded)
        self.jobs = jobs
        state = SignUpQueueState(capacity: capacity, continuation: continuation)
    }

    /// Queues `job`; false (and nothing queued) when the queue is full or shutting down.
    func enqueue(_ job: @escaping Job) -> Bool { state.enqueue(job) }

    /// Returns once every sign-up queued so far has been done (tests read the store after it).
    func idle() async { await state.idle() }

    public func run() async {
        let state = self.state
        await withGracefulShutdownHandler {
            for await job in jobs {
                await job()
                state.finished()
            }
        } onGracefulShutdown: {
            state.close()
        }
    }
}

/// The number of sign-ups waiting or running, and who waits for it to reach zero.
final class SignUpQueueState: Sendable {
    private struct State {
        var pending = 0
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let capacity: Int
    private let continuation: AsyncStream<SignUpQueue.Job>.Continuation
    private let state = Mutex(State())

    init(capacity: Int, continuation: AsyncStream<SignUpQueue.Job>.Continuation) {
        self.capacity = capacity
        self.continuation = continuation
    }

    func enqueue(_ job: @escaping SignUpQueue.Job) -> Bool {
        state.withLock { state in
            guard !state.closed, state.pending < capacity else { return false }
            state.pending += 1
            continuation.yield(job)
            return true
        }
    }

    func finished() {
        let waiters = state.withLock { state in
            state.pending -= 1
            guard state.pending == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func idle() async {
        await withCheckedContinuation { waiter in
            let now = state.withLock { state in
                if state.pending == 0 { return true }
                state.waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Refuses new sign-ups; the queued ones are still done.
    func close() {
        state.withLock { $0.closed = true }
        continuation.finish()
    }
}
