public import Foundation
public import RundbriefCore
import Synchronization

/// Per-domain limits: connections and messages per second for configured domains, and an adaptive
/// slow-down for any domain that asks for it at the connection level (421, "too many connections",
/// rate limiting; see ``isSlowDown(_:)``). A per-recipient deferral such as greylisting does not slow
/// the domain: the delivery alone is retried later.
///
/// A delivery that may not go now is not waited for: the caller returns it to the queue with the
/// time it may go, so one strict provider never holds a connection that other domains could use.
public final class DomainThrottle: Sendable {
    private struct State {
        var limit: Configuration.DomainLimit?
        var bucket: TokenBucket?
        var active = 0
        /// Doubles with every slow-down reply, halves with every success.
        var penalty = 1
        var pausedUntil: Date?
    }

    private let limits: [String: Configuration.DomainLimit]
    private let states = Mutex<[String: State]>([:])

    /// The domain as the limits name it. Addresses already carry lower-case domains, so the common
    /// case costs a scan and no copy.
    private static func key(_ domain: String) -> String {
        domain.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") || $0 >= 0x80 })
            ? domain.lowercased() : domain
    }

    /// The longest a domain is held back after repeated slow-down replies, in seconds.
    private let maxBackoff: Double

    /// - Parameter maxBackoff: the longest a domain is ever held back (``DeliveryPolicy/domainBackoffMax``).
    public init(limits: [String: Configuration.DomainLimit], maxBackoff: Double = 300) {
        self.limits = limits
        self.maxBackoff = max(1, maxBackoff)
    }

    /// Whether a failed transaction asks to slow the whole domain down: a 421 (the server closes the
    /// connection: too many connections, shutting down), or any 4xx reply whose text speaks of rate
    /// limiting or too many connections or messages. A plain 4xx for one recipient (greylisting,
    /// a full mailbox, a lookup failure) is that recipient's business.
    public static func isSlowDown(_ outcome: SMTPOutcome) -> Bool {
        guard let reply = outcome.reply, reply.severity == 4 else { return false }
        if reply.code == 421 { return true }
        let text = reply.text.lowercased()
        return ["too many", "rate limit", "ratelimit", "rate-limit", "slow down", "throttl", "try again in"]
            .contains { text.contains($0) }
    }

    /// Takes a slot for one message to `domain` at `now`.
    /// - Returns: `nil` when the message may go now (call ``release(domain:slowDown:now:)`` after it),
    ///   else the time to try again.
    public func acquire(domain: String, now: Date) -> Date? {
        let key = Self.key(domain)
        let limit = limits[key]
        return states.withLock { states in
            if limit == nil, states[key] == nil { return nil }  // the common case: nothing to enforce
            var state = states[key] ?? Self.initialState(limit)
            defer { states[key] = state }
            if let until = state.pausedUntil, until > now { return until }
            let allowed = state.penalty > 1 ? 1 : (state.limit?.concurrency ?? Int.max)
            if state.active >= max(1, allowed) { return now.addingTimeInterval(0.25) }
            if var bucket = state.bucket {
                if let wait = bucket.takeIfAvailable(now: now.timeIntervalSinceReferenceDate) {
                    return now.addingTimeInterval(max(wait, 0.05))
                }
                state.bucket = bucket
            }
            state.active += 1
            return nil
        }
    }

    /// Gives the slot back; `slowDown` when the domain asked to slow down (``isSlowDown(_:)``).
    public func release(domain: String, slowDown: Bool, now: Date) {
        let key = Self.key(domain)
        states.withLock { states in
            guard var state = states[key] ?? (slowDown ? Self.initialState(limits[key]) : nil) else { return }
            state.active = max(0, state.active - 1)
            if slowDown {
                state.penalty = min(state.penalty * 2, 256)
                state.pausedUntil = now.addingTimeInterval(min(Double(state.penalty), maxBackoff))
            } else if state.penalty > 1 {
                state.penalty /= 2
            }
            if state.limit == nil, state.penalty == 1, state.active == 0 {
                states[key] = nil  // recovered: back to the fast path
            } else {
                states[key] = state
            }
        }
    }

    /// Whether a domain is currently slowed down (for tests and status).
    public func isSlowedDown(domain: String) -> Bool {
        states.withLock { ($0[Self.key(domain)]?.penalty ?? 1) > 1 }
    }

    private static func initialState(_ limit: Configuration.DomainLimit?) -> State {
        var state = State(limit: limit)
        if let limit, limit.rate > 0 { state.bucket = TokenBucket(rate: limit.rate, capacity: max(1, limit.rate)) }
        return state
    }
}
