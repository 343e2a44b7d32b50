public import Foundation
public import RundbriefStore
public import RundbriefCore

/// The send engine's settings, from the `delivery` and `smtp` sections of the configuration.
public struct DeliveryPolicy: Sendable, Equatable {
    /// Messages per second over all connections; 0 = unlimited.
    public var rate: Double
    /// Messages per hour; 0 = unlimited.
    public var ratePerHour: Int
    /// Parallel SMTP transactions (the transport's connections).
    public var concurrency: Int
    /// Deliveries claimed per transaction.
    public var batchSize: Int
    public var retryInitial: Duration
    public var retryMax: Duration
    /// A delivery still refused this long after the send started is given up.
    public var maxAge: Duration
    /// Consecutive connection failures after which a send pauses itself; 0 = never.
    public var pauseAfterConnectionFailures: Int
    /// How long connection failures (with no success in between) are retried before the send pauses;
    /// a send paused this way resumes by itself when the relay answers again.
    public var pauseAfter: Duration
    /// The first wait before probing the relay of a send paused for connection failures; it doubles
    /// up to five minutes while the relay stays away.
    public var relayProbeInitial: Duration
    /// A scheduled send found this much overdue does not start by itself.
    public var overdueAfter: Duration
    public var progressInterval: Duration
    /// How long a graceful shutdown may take; transactions still running at half of it are aborted.
    public var shutdownTimeout: Duration
    /// How SMTP-time rejections count against subscribers (and when they pause a send).
    public var bounces: BouncePolicy
    /// Per-domain limits, keyed by lower-case domain.
    public var domainLimits: [String: Configuration.DomainLimit]
    /// `delivery.timezone`: where the days of a segment filter's `subscribed_before`/`_after` begin.
    public var timeZone: TimeZone = .gmt

    public init(
        rate: Double = 0, ratePerHour: Int = 0, concurrency: Int = 4, batchSize: Int = 200,
        retryInitial: Duration = .seconds(300), retryMax: Duration = .seconds(21_600),
        maxAge: Duration = .seconds(72 * 3600), pauseAfterConnectionFailures: Int = 20,
        pauseAfter: Duration = .seconds(300), relayProbeInitial: Duration = .seconds(5),
        overdueAfter: Duration = .seconds(3600), progressInterval: Duration = .seconds(5),
        shutdownTimeout: Duration = .seconds(30), domainLimits: [Configuration.DomainLimit] = [],
        bounces: BouncePolicy = BouncePolicy()
    ) {
        self.bounces = bounces
        self.rate = rate
        self.ratePerHour = ratePerHour
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize)
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.maxAge = maxAge
        self.pauseAfterConnectionFailures = pauseAfterConnectionFailures
        self.pauseAfter = pauseAfter
        self.relayProbeInitial = relayProbeInitial
        self.overdueAfter = overdueAfter
        self.progressInterval = progressInterval
        self.shutdownTimeout = shutdownTimeout
        self.domainLimits = Dictionary(
            domainLimits.map { ($0.domain.lowercased(), $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The policy a configuration describes.
    public init(configuration: Configuration) {
        let delivery = configuration.delivery
        self.init(
            rate: delivery.rate, ratePerHour: delivery.ratePerHour,
            concurrency: configuration.smtp.concurrency, batchSize: delivery.batchSize,
            retryInitial: .seconds(delivery.retryInitialSeconds), retryMax: .seconds(delivery.retryMaxSeconds),
            maxAge: .seconds(delivery.maxAgeHours * 3600),
            pauseAfterConnectionFailures: delivery.pauseAfterConnectionFailures,
            pauseAfter: .seconds(delivery.pauseAfterSeconds),
            overdueAfter: .seconds(delivery.overdueAfterMinutes * 60),
            progressInterval: .seconds(max(1, delivery.progressIntervalSeconds)),
            shutdownTimeout: .seconds(max(1, delivery.shutdownTimeoutSeconds)),
            domainLimits: delivery.domainLimits, bounces: BouncePolicy(configuration.bounces))
        timeZone = TimeZone(identifier: delivery.timezone) ?? .gmt
    }

    /// The wait before retry number `attempt` (1 = the first retry): doubling from
    /// `retryInitial`, never more than `retryMax`.
    public func retryDelay(attempt: Int) -> Duration {
        let factor = pow(2.0, Double(max(0, min(attempt - 1, 30))))
        return .fromSeconds(min(retryInitial.seconds * factor, retryMax.seconds))
    }

    /// The wait after `failures` consecutive connection failures: 1 s doubling to a minute, and
    /// never longer than the first 4xx retry, so a relay that comes back is used again soon.
    public func connectionRetryDelay(failures: Int) -> Duration {
        let seconds = min(pow(2.0, Double(max(0, min(failures - 1, 6)))), 60, max(retryInitial.seconds, 1))
        return .fromSeconds(seconds)
    }

    /// Open transactions with no outcome for this long are reported once as a stalled relay: ten
    /// progress intervals, at least ten seconds.
    public var stallWarningAfter: Duration { max(.seconds(10), progressInterval * 10) }

    /// The longest a domain is held back after it asked to slow down: five minutes, never more than
    /// `retryMax` (no wait exceeds the configured maximum).
    public var domainBackoffMax: Duration { min(.seconds(300), retryMax) }

    /// The in-flight window: deliveries that can be marked `sending` without their outcome being
    /// recorded yet, so at most this many can be sent twice after a crash. A claimed batch waiting to be
    /// handed out, up to one batch of results waiting to be written, and one transaction per connection.
    public var inFlightWindow: Int { 2 * batchSize + concurrency }
}
