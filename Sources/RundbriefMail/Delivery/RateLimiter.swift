import Foundation
import Synchronization

/// The global message rate: a per-second and a per-hour token bucket shared by every send.
///
/// `acquire` reserves a token under a lock and then sleeps outside it, so waiting callers never
/// hold the lock and the order of reservations is the order of sending.
public final class RateLimiter: Sendable {
    private let buckets: Mutex<[TokenBucket]>
    private let clock: SendClock

    /// - Parameters:
    ///   - perSecond: messages per second; 0 = unlimited. Bursts of up to one second's worth.
    ///   - perHour: messages per hour; 0 = unlimited. Bursts of one minute's worth, so no hour
    ///     ever sees more than the limit plus a sixtieth of it.
    public init(perSecond: Double, perHour: Int, clock: SendClock) {
        var buckets: [TokenBucket] = []
        if perSecond > 0 { buckets.append(TokenBucket(rate: perSecond, capacity: perSecond)) }
        if perHour > 0 {
            buckets.append(TokenBucket(rate: Double(perHour) / 3600, capacity: Double(perHour) / 60))
        }
        self.buckets = Mutex(buckets)
        self.clock = clock
    }

    /// Whether any limit is set.
    public var isLimited: Bool { buckets.withLock { !$0.isEmpty } }

    /// Waits until one more message may go.
    /// - Throws: `CancellationError` when cancelled while waiting (the token stays spent).
    public func acquire() async throws {
        let now = clock.now().timeIntervalSinceReferenceDate
        let wait = buckets.withLock { buckets in
            var longest = 0.0
            for index in buckets.indices { longest = max(longest, buckets[index].take(now: now)) }
            return longest
        }
        if wait > 0 { try await clock.sleep(.fromSeconds(wait)) }
    }
}
