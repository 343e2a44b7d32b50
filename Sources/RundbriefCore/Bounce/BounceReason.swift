/// Why a delivery failed, as far as the words and codes tell. The raw values are the
/// `reason` of each recipient in `bounce parse --json`; `weight(permanent:)` is how the
/// suppression policy counts the failure against the recipient's address.
public enum BounceReason: String, Sendable, Codable, CaseIterable {
    /// The mailbox does not exist (5.1.1 and its many wordings).
    case userUnknown = "user_unknown"
    /// The domain does not exist or takes no mail (no MX, NXDOMAIN, null MX).
    case hostUnknown = "host_unknown"
    case mailboxFull = "mailbox_full"
    /// The mailbox exists but is disabled, inactive or suspended.
    case suspended
    case messageTooLarge = "message_too_large"
    /// The recipient's own filter or rules refused this message.
    case filtered
    /// Our sending host or domain was refused: blocklist, reputation, reverse DNS, policy.
    case blocked
    /// The message was judged to be spam.
    case spamDetected = "spam_detected"
    case virusDetected = "virus_detected"
    /// SPF, DKIM or DMARC checks of our mail failed.
    case authenticationFailure = "authentication_failure"
    /// Too many connections, messages or recipients from us for now.
    case rateLimited = "rate_limited"
    /// The receiving server refused our envelope sender (its domain, a failed callout).
    case senderRejected = "sender_rejected"
    case relayDenied = "relay_denied"
    /// The recipient takes mail only from chosen senders (a closed group, a restricted mailbox).
    case recipientRestricted = "recipient_restricted"
    /// The message was held (a list's moderation, an undecided Google Groups post).
    case onHold = "on_hold"
    /// The delivery was given up after retrying for too long.
    case expired
    /// The way to the recipient's server failed (connection refused, timed out, no route).
    case networkError = "network_error"
    /// The receiving system failed (configuration, loop, I/O, local error).
    case systemError = "system_error"
    /// A temporary refusal with no other reason named (greylisting, "try again later").
    case temporary
    case unknown

    /// How a failure counts against the recipient's address: `hard` suppresses it now,
    /// `soft` counts towards the soft-bounce limit, `none` is not the recipient's fault
    /// (a block, spam or virus verdict, a rate limit, failed authentication: the sender's problem).
    public enum Weight: String, Sendable, Equatable {
        case hard, soft, none
    }

    /// The policy's decision for this reason. A failure that is not permanent (a 4.x.x reply,
    /// a delay) never counts as hard.
    public func weight(permanent: Bool) -> Weight {
        switch self {
        case .userUnknown, .hostUnknown, .suspended, .relayDenied, .recipientRestricted, .unknown:
            permanent ? .hard : .soft
        case .mailboxFull, .messageTooLarge, .filtered, .onHold, .expired, .networkError, .systemError,
            .temporary:
            .soft
        case .blocked, .spamDetected, .virusDetected, .authenticationFailure, .rateLimited, .senderRejected:
            .none
        }
    }

    /// The reason for a status code and the server's words, as the bounce parser decides it.
    public static func classify(status: String?, diagnostic: String?) -> BounceReason {
        BounceClassifier.reason(
            status: status.flatMap { StatusCodeScanner.enhancedStatus(in: $0) }
                ?? diagnostic.flatMap { StatusCodeScanner.enhancedStatus(in: $0.prefix(2000)) },
            diagnostic: diagnostic)
    }

    /// The reason named by a diagnostic's words, checked from the most specific phrase
    /// lists to the most general, then by the enhanced status code's subject and detail.
    static func from(diagnostic: String?, status: String?) -> BounceReason {
        let text = BouncePhrases.folded((diagnostic ?? "").utf8.prefix(2000))
        if let rank = BouncePhrases.reasons.bestRank(in: text) {
            return BouncePhrases.order[rank]
        }
        return from(status: status)
    }

    static func from(status: String?) -> BounceReason {
        guard let status else { return .unknown }
        let detail = status.split(separator: ".").dropFirst().joined(separator: ".")
        switch detail {
        case "1.1", "1.0", "1.3", "1.6", "1.10", "1.4": return .userUnknown
        case "1.2", "4.4": return .hostUnknown
        case "2.1", "7.13": return .suspended
        case "2.2": return .mailboxFull
        case "2.3", "3.4": return .messageTooLarge
        case "4.7": return .expired
        case "1.7", "1.8": return .senderRejected
        case "4.1", "4.2": return .networkError
        case "3.0", "3.1", "3.2", "3.5", "4.3", "4.6", "5.0", "5.1", "5.2", "5.3", "5.4", "5.5": return .systemError
        case "4.5", "7.28": return .rateLimited
        case "7.20", "7.21", "7.22", "7.23", "7.24", "7.26": return .authenticationFailure
        case "6.0", "6.1", "6.2", "6.3", "6.4", "6.5": return .systemError
        // Exchange Online: a group or mailbox that only takes mail from chosen or signed-in senders.
        case "7.129", "7.133", "7.134", "7.135", "7.136": return .recipientRestricted
        default: return detail.hasPrefix("7.") ? .blocked : .unknown
        }
    }

    /// Whether this reason says the failure is about the sender (its reputation, content or address).
    var blamesSender: Bool { weight(permanent: true) == .none }

    /// The status code this reason implies, for reports that carry none or only "x.0.0";
    /// nil where no code says more than the generic one.
    func impliedStatus(classDigit: Character) -> String? {
        switch self {
        case .userUnknown: "\(classDigit).1.1"
        case .hostUnknown: "\(classDigit).1.2"
        case .suspended: "\(classDigit).2.1"
        case .mailboxFull: "\(classDigit).2.2"
        case .messageTooLarge: "\(classDigit).3.4"
        case .blocked, .spamDetected, .virusDetected, .relayDenied, .recipientRestricted: "\(classDigit).7.1"
        case .senderRejected: "\(classDigit).1.8"
        case .expired: "\(classDigit).4.7"
        case .filtered, .authenticationFailure, .rateLimited, .onHold, .networkError, .systemError, .temporary,
            .unknown:
            nil
        }
    }
}
