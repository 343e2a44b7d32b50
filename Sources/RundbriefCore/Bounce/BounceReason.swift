/// Why a delivery failed, as far as the words and codes tell; decides whether the
/// address itself is bad (`permanent`) or the sender was refused (`senderBlocked`).
enum BounceReason: Sendable, Equatable {
    case userUnknown
    case hostUnknown
    case mailboxDisabled
    case mailboxFull
    case messageTooLarge
    case senderBlocked
    /// The receiving server refused the envelope sender (its domain, a failed callout).
    case senderInvalid
    case relayDenied
    /// The recipient takes mail only from chosen senders (a closed group, a restricted mailbox).
    case recipientRestricted
    case expired
    case temporary
    case unknown

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
        case "2.1": return .mailboxDisabled
        case "2.2": return .mailboxFull
        case "2.3", "3.4": return .messageTooLarge
        case "4.7": return .expired
        case "1.7", "1.8": return .senderInvalid
        case "7.13": return .mailboxDisabled
        // Exchange Online: a group or mailbox that only takes mail from chosen or signed-in senders.
        case "7.129", "7.133", "7.134", "7.135", "7.136": return .recipientRestricted
        default: return detail.hasPrefix("7.") ? .senderBlocked : .unknown
        }
    }

    /// Whether this reason means the address should not be mailed again.
    var blamesRecipient: Bool {
        switch self {
        case .userUnknown, .hostUnknown, .mailboxDisabled, .relayDenied, .recipientRestricted, .unknown: true
        case .mailboxFull, .messageTooLarge, .senderBlocked, .senderInvalid, .expired, .temporary: false
        }
    }

    /// Whether the failure is about the sender (its reputation, content or address).
    var blamesSender: Bool { self == .senderBlocked || self == .senderInvalid }

    /// The status code this reason implies, for reports that carry none or only "x.0.0".
    func impliedStatus(classDigit: Character) -> String? {
        switch self {
        case .userUnknown: "\(classDigit).1.1"
        case .hostUnknown: "\(classDigit).1.2"
        case .mailboxDisabled: "\(classDigit).2.1"
        case .mailboxFull: "\(classDigit).2.2"
        case .messageTooLarge: "\(classDigit).3.4"
        case .senderBlocked: "\(classDigit).7.1"
        case .senderInvalid: "\(classDigit).1.8"
        case .relayDenied, .recipientRestricted: "\(classDigit).7.1"
        case .expired: "\(classDigit).4.7"
        case .temporary, .unknown: nil
        }
    }
}
