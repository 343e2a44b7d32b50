public import Foundation
public import Logging
public import RundbriefCore
public import RundbriefStore

/// Turns one inbound message (a DSN, a complaint, a reply to the unsubscribe address) into recorded
/// decisions. `rundbrief bounce ingest` and the mailbox poller share it.
///
/// Anybody can mail the bounce address, so a report acts only through a delivery it proves: a signed
/// VERP address, or our signed Message-ID (`SignedMessageID`) in the returned or reported original.
/// The store then also checks that the reported recipient is that delivery's subscriber; everything
/// else is recorded as an unverified report.
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
        var report = parser.parse(message)
        if report.delivery == nil, let id = try deliveryID(messageID: report.originalMessageID) {
            report.delivery = String(id)
        }
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

    /// The delivery our signed Message-ID names, when the original carries one.
    private func deliveryID(messageID: String?) throws -> Int64? {
        guard let messageID, let named = SignedMessageID.delivery(in: messageID, signer: signer) else { return nil }
        return try database.deliveryID(sendID: named.sendID, subscriberID: named.subscriberID)
    }

    /// One store input per reported recipient, each with the verified delivery (the store checks that
    /// the recipient is its subscriber). A complaint about one message names its delivery only: feedback
    /// loops often redact the recipient's address, and the verified delivery says who received it.
    func inputs(for report: BounceReport, source: String) -> [BounceInput] {
        let deliveryID = report.delivery.flatMap { Int64($0) }
        let recipients = report.recipients
        if recipients.isEmpty || (report.kind == .complaint && recipients.count == 1 && deliveryID != nil) {
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
            return BounceInput(
                kind: kind, deliveryID: deliveryID,
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
            // The journal is the audit trail: who was suppressed or unsubscribed, from what, and why.
            metadata["list.slug"] = "all"
            metadata["bounce.source"] = "\(input.source)"
            if let id = decision.subscriberID, let email = try? database.subscriber(id: id)?.email {
                metadata["subscriber.email"] = "\(LogRedaction.address(email))"
            }
            logger.notice(
                decision.action == .unsubscribed
                    ? "subscriber unsubscribed from every list: a complaint (marked as spam)"
                    : "subscriber suppressed by bounce policy", metadata: metadata)
        case .unverified:
            logger.notice(
                "bounce or complaint recorded as unverified (no signed delivery of ours for this recipient); nobody's status changed",
                metadata: metadata)
        default:
            logger.info("bounce recorded", metadata: metadata)
        }
        if let sendID = decision.pausedSendID {
            logger.warning(
                "send paused: its bounce or complaint rate crossed the configured threshold; check the list, then resume it: rundbrief send resume <send.id>",
                metadata: ["send.id": "\(sendID)"])
        }
    }

    /// A reply to the List-Unsubscribe mailto: address: signed in its local part (`unsubscribe+…@`), or
    /// (mail sent by earlier versions) an unsubscribe token in the subject.
    private func unsubscribeByMail(_ message: [UInt8], now: Date) throws -> Int64? {
        let headers = MessageParser().parse(message).headers
        let addresses = ["To", "Cc", "Delivered-To", "X-Original-To"].compactMap { headers.decoded($0) }
        var claims = UnsubscribeLinks.claims(inAddresses: addresses.joined(separator: ", "), signer: signer)
        if claims == nil, let subject = headers.decoded("Subject"),
            let token = UnsubscribeLinks.token(inSubject: subject)
        {
            claims = try? signer.verify(token, purpose: .unsubscribe, now: now, maxAge: nil)
        }
        guard let claims, let subscriber = try database.subscriber(id: claims.subscriberID),
            subscriber.accepts(tokenIssuedAt: claims.issued)
        else { return nil }
        let changed = try database.unsubscribe(
            subscriberID: claims.subscriberID, list: claims.listID, source: "mailto", detail: [:], now: now)
        logger.notice(
            changed
                ? "unsubscribed by mail to the List-Unsubscribe address" : "unsubscribe by mail: already unsubscribed",
            metadata: [
                "subscriber.id": "\(claims.subscriberID)",
                "subscriber.email": "\(LogRedaction.address(subscriber.email))",
                "list.id": "\(claims.listID.map(String.init) ?? "all")", "unsubscribe.source": "mailto",
            ])
        return claims.subscriberID
    }
}
