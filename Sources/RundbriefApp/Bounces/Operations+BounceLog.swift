import Logging
import RundbriefCore
import RundbriefStore

extension Operations {
    /// The log line for one recorded bounce: the journal is the operator's view of who was
    /// suppressed or unsubscribed, from what, and why.
    func logBounce(_ decision: BounceDecision, input: BounceInput) {
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
            metadata["lists"] = "all"
            metadata["source"] = "\(input.source)"
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
                "send paused: its bounce or complaint rate crossed the configured threshold; check the list, then run rundbrief send resume \(sendID)",
                metadata: ["send.id": "\(sendID)"])
        }
    }
}
