import Synchronization

/// A wake-up call for one waiting task, signalled from any thread (connection threads included).
///
/// A signal given while nobody waits is kept (one, not counted), so a waiter that checks its
/// condition and then waits never misses the change it waits for. Waiters re-check their condition
/// after waking: a kept signal can be stale.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiting task, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits for a signal, also when the task is cancelled: for waits that must see their work
    /// finish (work in another thread's hands always signals when it ends).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let signalled = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                precondition(state.waiter == nil, "WakeSignal has one waiter at a time")
                state.waiter = continuation
                return false
            }
            if signalled { continuation.resume() }
        }
    }

    /// Waits for a signal; throws `CancellationError` when the task is (or gets) cancelled.
    func waitUnlessCancelled() async throws {
        try Task.checkCancellation()
        await withTaskCancellationHandler {
            await wait()
        } onCancel: {
            signal()
        }
        try Task.checkCancellation()
    }
}
