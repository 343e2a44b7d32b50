import Foundation
import Synchronization

/// Counts events per key in fixed time windows, in memory, with a bounded number of keys.
///
/// When the table is full and no window has expired, new keys are refused: under a flood the
/// limiter fails closed (nobody gets mail-bombed) instead of growing without bound.
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
        self.capacity = capacity
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
            if windows[key] == nil, windows.count >= capacity {
                windows = windows.filter { now.timeIntervalSince($0.value.start) < window }
                guard windows.count < capacity else { return false }
            }
            windows[key] = Window(start: now, count: 1)
            return true
        }
    }

    /// How many keys are tracked (for tests of the bound).
    var trackedKeys: Int { windows.withLock { $0.count } }
}
