public import Foundation
public import Logging
public import RundbriefCore
public import RundbriefStore

/// Turns one inbound message (a DSN, a complaint, a reply to the unsubscribe address) into recorded
/// decisions. `rundbrief bounce ingest` and the mailbox poller share it.
public struct BounceProcessor: Sendable {
    public var database: AppDatabase
    public var policy: BouncePolicy
    public var signer: TokenSigner
    public var bounceLocalPart: String
    public var unsubscribeAddress: String
    public var logger: Logger

    public init(
        database: AppDatabase, policy: BouncePolicy, signer: TokenSigner, bounceLocalPart: String,
        unsubscribeAddress: String, logger: Logger
    ) {
        self.database = database
        self.policy = policy
        self.signer = signer
        self.bounceLocalPart = bounceLocalPart
        self.unsubscribeAddress = unsubscribeAddress
        self.logger = logger
    }

    /// What became of one message.
    public struct Outcome: Sendable {
        public var report: BounceReport
        public var decisions: [BounceDecision]
        /// The subscriber unsubscribed through the mailto: List-Unsubscribe address.
        public var unsubscribedSubscriberID: Int64?
    }

    /// The parser, resolving signed VERP addresses to delivery ids.
    public var parser: BounceParser {
        let signer = self.signer
        let localPart = bounceLocalPart
        return BounceParser(verpDeliveryID: { address in
            VERPAddress.deliveryID(in: address, localPart: localPart, signer: signer)
        })
    }

    /// Parses and records `message`.
    /// - Parameter source: "ingest" or "mailbox", for the audit log.
    /// - Throws: `StoreError` when the database cannot record it (the caller must keep the message).
    public func process(_ message: [UInt8], source: String, now: Date = Date()) throws -> Outcome {
        let report = parser.parse(message)
        var outcome = Outcome(report: report, decisions: [])
        switch report.kind {
        case .bounce, .complaint:
            for input in inputs(for: report, source: source) {
                let decision = try database.recordBounce(input, policy: policy, now: now)
                outcome.decisions.append(decision)
                log(decision, input: input)
            }
        case .autoReply:
            logger.debug("auto-reply ignored", metadata: ["bounce.source": "\(source)"])
        case .notABounce:
            outcome.unsubscribedSubscriberID = try unsubscribeByMail(message, now: now)
            if outcome.unsubscribedSubscriberID == nil {
                logger.info(
                    "message is neither a bounce nor an unsubscribe request; ignored",
                    metadata: ["bounce.source": "\(source)"])
            }
        }
        return outcome
    }

    /// One store input per failed recipient; a complaint names its recipient or only its delivery.
    func inputs(for report: BounceReport, source: String) -> [BounceInput] {
        let deliveryID = report.delivery.flatMap { Int64($0) }
        let recipients = report.recipients
        if recipients.isEmpty {
            guard let deliveryID else { return [] }
            let kind: BounceRecord.Kind =
                report.kind == .complaint ? .complaint : (report.senderBlocked ? .senderBlocked : .hard)
            return [BounceInput(kind: kind, deliveryID: deliveryID, source: source)]
        }
        return recipients.map { recipient in
            let kind: BounceRecord.Kind
            if report.kind == .complaint {
                kind = .complaint
            } else if recipient.senderBlocked || report.senderBlocked {
                kind = .senderBlocked
            } else {
                kind = recipient.permanent ? .hard : .soft
            }
            // The VERP delivery id names the recipient only when the report has exactly one.
            return BounceInput(
                kind: kind, deliveryID: recipients.count == 1 ? deliveryID : nil,
                address: try? EmailAddress(recipient.address), status: recipient.status,
                diagnostic: recipient.diagnostic, source: source)
        }
    }

    private func log(_ decision: BounceDecision, input: BounceInput) {
        var metadata: Logger.Metadata = [
            "bounce.kind": "\(input.kind.rawValue)", "bounce.action": "\(decision.action.rawValue)",
            "bounce.id": "\(decision.bounceID)",
        ]
        if let id = decision.subscriberID { metadata["subscriber.id"] = "\(id)" }
        if let status = input.status { metadata["smtp.status"] = "\(status)" }
        switch decision.action {
        case .senderBlocked:
            logger.warning(
                "a receiving server refused our sender (policy or blocklist): check the sender's reputation",
                metadata: metadata)
        case .suppressed, .unsubscribed:
            logger.notice("subscriber suppressed by bounce policy", metadata: metadata)
        default:
            logger.info("bounce recorded", metadata: metadata)
        }
        if let sendID = decision.pausedSendID {
            logger.warning(
                "send paused: its bounce or complaint rate crossed the configured threshold; check the list, then run rundbrief send resume \(sendID)",
                metadata: ["send.id": "\(sendID)"])
        }
    }

    /// A reply to the List-Unsubscribe mailto: address: signed in its local part (`unsubscribe+…@`), or
    /// (mail sent by earlier versions) an unsubscribe token in the subject.
    private func unsubscribeByMail(_ message: [UInt8], now: Date) throws -> Int64? {
        let headers = MessageParser().parse(message).headers
        let addresses = ["To", "Cc", "Delivered-To", "X-Original-To"].compactMap { headers.decoded($0) }
        let claims: TokenClaims
        if let named = UnsubscribeLinks.subscription(inAddresses: addresses.joined(separator: ", "), signer: signer) {
            claims = TokenClaims(
                purpose: .unsubscribe, subscriberID: named.subscriberID, listID: named.listID, issued: now)
        } else {
            guard let subject = headers.decoded("Subject"), let token = UnsubscribeLinks.token(inSubject: subject),
                let verified = try? signer.verify(token, purpose: .unsubscribe, now: now, maxAge: nil)
            else { return nil }
            claims = verified
        }
        let changed = try database.unsubscribe(
            subscriberID: claims.subscriberID, list: claims.listID, source: "mailto", detail: [:], now: now)
        logger.notice(
            changed
                ? "unsubscribed by mail to the List-Unsubscribe address" : "unsubscribe by mail: already unsubscribed",
            metadata: ["subscriber.id": "\(claims.subscriberID)"])
        return claims.subscriberID
    }
}
