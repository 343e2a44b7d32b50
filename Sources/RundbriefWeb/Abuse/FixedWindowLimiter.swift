import Foundation
import Synchronization

/// Counts events per key in fixed time windows, in memory, with a bounded number of keys.
///
/// When the table is full, expired windows go first, then the oldest windows: a flood of new
/// keys (a botnet, or forged empty requests) costs the flooders their own history, never a new
/// visitor their sign-up. A key evicted early can only be admitted again, never refused wrongly.
final class FixedWindowLimiter: Sendable {
    private struct Window {
        var start: Date
        var count: Int
    }

    private let limit: Int
    private let window: TimeInterval
    private let capacity: Int
    private let windows = Mutex<[String: Window]>([:])

    /// - Parameters:
    ///   - limit: events allowed per key and window.
    ///   - window: the window's length in seconds.
    ///   - capacity: the most keys kept at once.
    init(limit: Int, window: TimeInterval, capacity: Int) {
        self.limit = limit
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Counts one event for `key` and says whether it is within the limit.
    func admit(_ key: String, now: Date) -> Bool {
        windows.withLock { windows in
            if var current = windows[key], now.timeIntervalSince(current.start) < window {
                guard current.count < limit else { return false }
                current.count += 1
                windows[key] = current
                return true
            }
            if windows[key] == nil, windows.count >= capacity { evict(&windows, now: now) }
            windows[key] = Window(start: now, count: 1)
            return true
        }
    }

    /// Whether `key` is still within the limit, without counting an event.
    func allows(_ key: String, now: Date) -> Bool {
        windows.withLock { windows in
            guard let current = windows[key], now.timeIntervalSince(current.start) < window else { return true }
            return current.count < limit
        }
    }

    /// Drops expired windows; if that frees nothing, the oldest tenth (sorting once per tenth of
    /// the capacity keeps a flood's cost per request logarithmic).
    private func evict(_ windows: inout [String: Window], now: Date) {
        windows = windows.filter { now.timeIntervalSince($0.value.start) < window }
        guard windows.count >= capacity else { return }
        let oldest = windows.sorted { $0.value.start < $1.value.start }.prefix(max(1, capacity / 10))
        for (key, _) in oldest { windows[key] = nil }
    }

    /// How many keys are tracked (for tests of the bound).
    var trackedKeys: Int { windows.withLock { $0.count } }
}
