/// Where a subscriber stands overall (across every list).
public enum SubscriberStatus: String, Sendable, Codable, CaseIterable {
    /// Signed up, not yet confirmed (double opt-in pending).
    case pending
    /// Receives mail from the lists whose subscription is active.
    case active
    /// Asked to receive nothing at all.
    case unsubscribed
    /// The address does not accept mail (hard bounce, or too many soft bounces).
    case bounced
    /// Reported a message as spam: never mailed again.
    case complained

    /// Whether a subscriber in this status may be mailed at all.
    public var isMailable: Bool { self == .active }

    /// A status that an import or a sign-up must never turn back into `active` on its own.
    public var isSticky: Bool { self == .unsubscribed || self == .bounced || self == .complained }
}

/// A subscriber's membership of one list.
public enum SubscriptionStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case active
    case unsubscribed
}

/// The life of a send: an edition going to a list.
public enum SendStatus: String, Sendable, Codable, CaseIterable {
    case scheduled, running, paused, done, cancelled, failed

    /// A send in one of these states will not change again by itself.
    public var isFinished: Bool { self == .done || self == .cancelled || self == .failed }
}

/// One recipient's message within a send.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt.
    case queued
    /// Claimed by a sender; an SMTP transaction is (or was, before a crash) in flight.
    case sending
    /// Accepted by the receiving server.
    case sent
    /// Temporarily refused; retried at `next_attempt_at`.
    case deferred
    /// Permanently refused, or gave up after the maximum age.
    case failed
    /// Not sent: the subscriber left the list, bounced or complained after the send started.
    case skipped
}
