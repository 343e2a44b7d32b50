import RundbriefCore
import RundbriefStore

/// Turns a parsed report into the store's inputs.
enum BounceInputs {
    /// One store input per reported recipient, each with the verified delivery (the store checks that
    /// the recipient is its subscriber). A complaint about one message names its delivery only: feedback
    /// loops often redact the recipient's address, and the verified delivery says who received it.
    static func inputs(for report: BounceReport, source: String) -> [BounceInput] {
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
}
