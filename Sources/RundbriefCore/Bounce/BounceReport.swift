public import Foundation

/// What a bounce, complaint or auto-reply says, as the operator's scripts see it.
///
/// The JSON shape is a contract: `kind`, `recipients` (address, permanent, status,
/// diagnostic, …) and `delivery` (explicitly `null` when unknown), plus extra keys.
public struct BounceReport: Sendable, Equatable, Codable {
    /// What kind of message was parsed.
    public enum Kind: String, Sendable, Codable {
        case bounce
        case complaint
        case autoReply = "auto-reply"
        case notABounce = "not-a-bounce"
    }

    /// One recipient the message reports on.
    public struct Recipient: Sendable, Equatable, Codable {
        /// The address, with `<>`/`rfc822;` stripped and the domain lower-cased.
        public var address: String
        /// True when the address itself is bad (unknown user, no such domain):
        /// suppress now. Full mailboxes, delays and sender blocks are not permanent.
        public var permanent: Bool
        /// The enhanced status code ("5.1.1"), from the report or inferred.
        public var status: String?
        /// The server's words, one line.
        public var diagnostic: String?
        /// The remote MTA that gave the answer, when named.
        public var remoteMTA: String?
        /// The DSN action: "failed" or "delayed".
        public var action: String?
        /// True when the failure is about the sender (spam, policy, blocklist), not the recipient.
        public var senderBlocked: Bool
        /// Why the delivery failed (`user_unknown`, `mailbox_full`, `blocked`, …); nil for
        /// complaints and auto-replies.
        public var reason: BounceReason?

        public init(
            address: String, permanent: Bool, status: String? = nil, diagnostic: String? = nil,
            remoteMTA: String? = nil, action: String? = nil, senderBlocked: Bool = false, reason: BounceReason? = nil
        ) {
            self.address = address
            self.permanent = permanent
            self.status = status
            self.diagnostic = diagnostic
            self.remoteMTA = remoteMTA
            self.action = action
            self.senderBlocked = senderBlocked
            self.reason = reason
        }

        private enum CodingKeys: String, CodingKey {
            case address, permanent, status, diagnostic, remoteMTA, action, senderBlocked, reason
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(address, forKey: .address)
            try container.encode(permanent, forKey: .permanent)
            try container.encode(status, forKey: .status)
            try container.encode(diagnostic, forKey: .diagnostic)
            try container.encodeIfPresent(remoteMTA, forKey: .remoteMTA)
            try container.encodeIfPresent(action, forKey: .action)
            try container.encode(senderBlocked, forKey: .senderBlocked)
            try container.encodeIfPresent(reason, forKey: .reason)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            address = try container.decode(String.self, forKey: .address)
            permanent = try container.decode(Bool.self, forKey: .permanent)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            diagnostic = try container.decodeIfPresent(String.self, forKey: .diagnostic)
            remoteMTA = try container.decodeIfPresent(String.self, forKey: .remoteMTA)
            action = try container.decodeIfPresent(String.self, forKey: .action)
            senderBlocked = try container.decodeIfPresent(Bool.self, forKey: .senderBlocked) ?? false
            reason = try container.decodeIfPresent(BounceReason.self, forKey: .reason)
        }
    }

    public var kind: Kind
    public var recipients: [Recipient]
    /// The VERP delivery id as a string, or nil.
    public var delivery: String?
    /// The DSN's Reporting-MTA, or the ARF report's.
    public var reportingMTA: String?
    /// The DSN's or ARF report's Arrival-Date as written.
    public var arrivalDate: String?
    /// The Message-ID of the returned or reported original message.
    public var originalMessageID: String?
    /// The ARF Feedback-Type ("abuse", …), lower-cased.
    public var feedbackType: String?
    /// True when any recipient failed because of the sender (spam, policy, blocklist).
    public var senderBlocked: Bool

    public init(
        kind: Kind, recipients: [Recipient] = [], delivery: String? = nil, reportingMTA: String? = nil,
        arrivalDate: String? = nil, originalMessageID: String? = nil, feedbackType: String? = nil,
        senderBlocked: Bool = false
    ) {
        self.kind = kind
        self.recipients = recipients
        self.delivery = delivery
        self.reportingMTA = reportingMTA
        self.arrivalDate = arrivalDate
        self.originalMessageID = originalMessageID
        self.feedbackType = feedbackType
        self.senderBlocked = senderBlocked
    }

    /// The report as JSON with sorted keys; `delivery` is written as `null` when unknown.
    /// - Throws: `EncodingError` only if a string cannot be encoded, which does not happen for valid Unicode.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private enum CodingKeys: String, CodingKey {
        case kind, recipients, delivery, reportingMTA, arrivalDate, originalMessageID, feedbackType,
            senderBlocked
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(recipients, forKey: .recipients)
        try container.encode(delivery, forKey: .delivery)
        try container.encodeIfPresent(reportingMTA, forKey: .reportingMTA)
        try container.encodeIfPresent(arrivalDate, forKey: .arrivalDate)
        try container.encodeIfPresent(originalMessageID, forKey: .originalMessageID)
        try container.encodeIfPresent(feedbackType, forKey: .feedbackType)
        try container.encode(senderBlocked, forKey: .senderBlocked)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        recipients = try container.decode([Recipient].self, forKey: .recipients)
        delivery = try container.decodeIfPresent(String.self, forKey: .delivery)
        reportingMTA = try container.decodeIfPresent(String.self, forKey: .reportingMTA)
        arrivalDate = try container.decodeIfPresent(String.self, forKey: .arrivalDate)
        originalMessageID = try container.decodeIfPresent(String.self, forKey: .originalMessageID)
        feedbackType = try container.decodeIfPresent(String.self, forKey: .feedbackType)
        senderBlocked = try container.decodeIfPresent(Bool.self, forKey: .senderBlocked) ?? false
    }
}
