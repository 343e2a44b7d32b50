/// Reads a bounce, complaint or auto-reply and says what it reports.
///
/// Checks, in order: an RFC 5965 feedback report (complaint), RFC 3464 delivery-status
/// parts, then the text of non-standard NDRs, then auto-reply marks; anything else is
/// `notABounce`. The delivery id comes from VERP addresses through the resolver closure
/// (see `DeliveryIDLocator` for where it looks).
public struct BounceParser: Sendable {
    private let reader = MessageParser()
    private let locator: DeliveryIDLocator

    /// - Parameter verpDeliveryID: Resolves an address like `bounces+<id>-<sig>@domain`
    ///   (or the value of an `X-Rundbrief-Delivery` header) into a delivery id; returns
    ///   nil for anything it does not recognise or whose signature does not verify.
    public init(verpDeliveryID: @escaping @Sendable (String) -> Int64? = { _ in nil }) {
        locator = DeliveryIDLocator(resolve: verpDeliveryID)
    }

    /// Parses one message. Never throws and never traps; time is linear in the input.
    public func parse(_ message: [UInt8]) -> BounceReport {
        let root = reader.parse(message)
        let bounce = BounceMessage(root: root)
        var report = classify(bounce)
        report.delivery = locator.deliveryID(root: root, raw: message, maxBytes: reader.limits.maxBytes)
        report.senderBlocked = report.recipients.contains { $0.senderBlocked }
        report.originalMessageID =
            report.originalMessageID ?? bounce.originalHeaders?["Message-ID"]?.trimmingBlanks()
        return report
    }

    private func classify(_ bounce: BounceMessage) -> BounceReport {
        if let complaint = feedbackReport(bounce) { return complaint }
        if let dsn = deliveryStatusReport(bounce) { return dsn }
        let signals = BounceSignals(bounce)
        if signals.isAutoReply && !signals.isStrongBounce { return autoReply(bounce) }
        if signals.isBounce { return textBounce(bounce, delayed: signals.isDelayed) }
        if signals.isAutoReply { return autoReply(bounce) }
        return BounceReport(kind: .notABounce)
    }

    private func autoReply(_ bounce: BounceMessage) -> BounceReport {
        let from = (bounce.headers["Reply-To"] ?? bounce.headers["From"]).flatMap(
            EmailAddressScanner.firstAddress)
        let recipients = from.map { [BounceReport.Recipient(address: $0, permanent: false)] } ?? []
        return BounceReport(kind: .autoReply, recipients: recipients)
    }
}
