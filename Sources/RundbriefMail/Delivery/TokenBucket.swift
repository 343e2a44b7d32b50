/// A token bucket: `rate` tokens per second, holding at most `capacity`.
///
/// A value type working on seconds given by the caller, so it is pure and testable;
/// ``RateLimiter`` wraps it with a clock and a lock.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let capacity: Double
    private var tokens: Double
    private var updated: Double?

    /// - Parameters:
    ///   - rate: tokens added per second (> 0).
    ///   - capacity: the burst size; at least one token.
    public init(rate: Double, capacity: Double) {
        self.rate = rate
        self.capacity = max(1, capacity)
        tokens = self.capacity
    }

    /// Takes one token at time `now` (seconds), reserving it even when the bucket is empty.
    /// - Returns: how long the caller must wait before using the token (0 when it was there).
    public mutating func take(now: Double) -> Double {
        refill(now: now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }

    /// Takes one token only if it is there now.
    /// - Returns: `nil` when taken, else the seconds until one will be there.
    public mutating func takeIfAvailable(now: Double) -> Double? {
        refill(now: now)
        guard tokens >= 1 else { return (1 - tokens) / rate }
        tokens -= 1
        return nil
    }

    private mutating func refill(now: Double) {
        if let updated, now > updated {
            tokens = min(capacity, tokens + (now - updated) * rate)
        }
        updated = max(now, updated ?? now)
    }
}
