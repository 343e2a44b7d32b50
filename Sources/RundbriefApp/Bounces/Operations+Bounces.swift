import Foundation
import Logging
public import RundbriefCore
public import RundbriefStore

extension Operations {
    /// Records one message that arrived at the bounce address (a DSN, a complaint, a reply to the
    /// unsubscribe address): `rundbrief bounce ingest` and the daemon's mailbox poller.
    ///
    /// Anybody can mail the bounce address, so a report acts only through a delivery it proves: a
    /// signed VERP address, or our signed Message-ID (`SignedMessageID`) in the returned or reported
    /// original. The store then also checks that the reported recipient is that delivery's subscriber,
    /// suppresses by the bounce policy (`bounces.*`) and pauses a send whose rates cross it; everything
    /// else is recorded as an unverified report.
    /// - Parameter source: `ingest` or `mailbox`, for the bounce record and the audit log.
    /// - Throws: ``OperationError`` when it could not be recorded: the caller must keep the message.
    public func recordBounceMessage(_ message: [UInt8], source: String) throws(OperationError) -> BounceOutcome {
        let signer = try tokenSigner()
        let policy = BouncePolicy(configuration.bounces)
        let date = now
        var report = BounceParser.verifying(configuration, signer: signer).parse(message)
        return try storing {
            if report.delivery == nil, let id = try deliveryID(messageID: report.originalMessageID, signer: signer) {
                report.delivery = String(id)
            }
            var outcome = BounceOutcome(report: report, decisions: [])
            switch report.kind {
            case .bounce, .complaint:
                for input in BounceInputs.inputs(for: report, source: source) {
                    let decision = try database.recordBounce(input, policy: policy, now: date)
                    outcome.decisions.append(decision)
                    logBounce(decision, input: input)
                    audit.record(
                        "bounce.recorded",
                        fields: [
                            "bounce.id": "\(decision.bounceID)", "bounce.kind": input.kind.rawValue,
                            "bounce.action": decision.action.rawValue, "bounce.source": source,
                        ], at: date)
                }
            case .autoReply:
                logger.debug("auto-reply ignored", metadata: ["bounce.source": "\(source)"])
            case .notABounce:
                outcome.unsubscribedSubscriberID = try unsubscribeByMail(message, signer: signer, now: date)
                if outcome.unsubscribedSubscriberID == nil {
                    logger.info(
                        "message is neither a bounce nor an unsubscribe request; ignored",
                        metadata: ["bounce.source": "\(source)"])
                }
            }
            return outcome
        }
    }

    /// Bounces and complaints recorded in the last `days` days, newest first.
    public func recentBounces(days: Int, sendID: Int64? = nil) throws(OperationError) -> [RecentBounce] {
        guard days >= 0 else { throw OperationError(.invalid, "--days must be 0 or more, got \(days)") }
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        return try storing { try database.recentBounces(since: since, sendID: sendID) }
    }

    func tokenSigner() throws(OperationError) -> TokenSigner {
        do {
            return try configuration.tokens.signer()
        } catch {
            throw OperationError(.configuration, "\(error)")
        }
    }

    /// The delivery our signed Message-ID names, when the original carries one.
    private func deliveryID(messageID: String?, signer: TokenSigner) throws -> Int64? {
        guard let messageID, let named = SignedMessageID.delivery(in: messageID, signer: signer) else { return nil }
        return try database.deliveryID(sendID: named.sendID, subscriberID: named.subscriberID)
    }

    /// A reply to the List-Unsubscribe mailto: address: signed in its local part (`unsubscribe+…@`), or
    /// (mail sent by earlier versions) an unsubscribe token in the subject.
    private func unsubscribeByMail(_ message: [UInt8], signer: TokenSigner, now: Date) throws -> Int64? {
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
            subscriberID: claims.subscriberID, list: claims.listID, source: "mailto", detail: [:], now: now,
            tokenIssued: claims.issued, tokenSendID: claims.sendID)
        logger.notice(
            changed
                ? "unsubscribed by mail to the List-Unsubscribe address" : "unsubscribe by mail: already unsubscribed",
            metadata: [
                "subscriber.id": "\(claims.subscriberID)",
                "subscriber.email": "\(LogRedaction.address(subscriber.email))",
                "list.id": "\(claims.listID.map(String.init) ?? "all")", "source": "mailto",
            ])
        return claims.subscriberID
    }
}

extension BounceParser {
    /// The parser resolving signed VERP addresses (`sender.bounce_local_part`, verified with `signer`)
    /// to delivery ids: the bounce operation's, and `rundbrief bounce parse`'s.
    public static func verifying(_ configuration: Configuration, signer: TokenSigner) -> BounceParser {
        let localPart = configuration.sender.bounceLocalPart
        return BounceParser(verpDeliveryID: { address in
            VERPAddress.deliveryID(in: address, localPart: localPart, signer: signer)
        })
    }
}

/// What became of one message at the bounce address.
public struct BounceOutcome: Sendable {
    /// What the parser found.
    public var report: BounceReport
    /// One per reported recipient (or one for the verified delivery).
    public var decisions: [BounceDecision]
    /// The subscriber unsubscribed through the mailto: List-Unsubscribe address.
    public var unsubscribedSubscriberID: Int64?
}
