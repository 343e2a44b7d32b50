public import Foundation

/// The time source of the send engine: wall time for the ledger and a way to wait.
///
/// Injected so tests can run backoff and rate limits against a clock they control.
public struct SendClock: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date
    /// Waits for `duration`; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    /// The system's wall clock, sleeping on the continuous clock.
    public static let system = SendClock(
        now: { Date() }, sleep: { duration in try await Task.sleep(for: duration) })
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }

    /// A duration from seconds that may be fractional.
    static func fromSeconds(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((max(0, seconds) * 1e9).rounded(.up)))
    }
}
