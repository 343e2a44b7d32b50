extension BounceParser {
    /// An RFC 5965 feedback report. Complaint types become `complaint` for the
    /// Original-Rcpt-To addresses (else the reported message's To); other types
    /// (DMARC "auth-failure", "not-spam") are `notABounce` with their feedback type.
    func feedbackReport(_ bounce: BounceMessage) -> BounceReport? {
        guard let fields = Self.feedbackFields(bounce) else { return nil }
        var addresses = fields.originalRecipients
        if addresses.isEmpty, let to = bounce.originalHeaders?["To"] {
            addresses = EmailAddressScanner.addresses(in: to)
        }
        var seen: Set<String> = []
        let recipients = addresses.filter { seen.insert($0.lowercased()).inserted }.map {
            BounceReport.Recipient(address: $0, permanent: fields.isComplaint)
        }
        return BounceReport(
            kind: fields.isComplaint ? .complaint : .notABounce,
            recipients: fields.isComplaint ? recipients : [],
            reportingMTA: fields.reportingMTA, arrivalDate: fields.arrivalDate,
            feedbackType: fields.feedbackType)
    }

    /// The report's fields where RFC 5965 puts them (a message/feedback-report part, also
    /// inside a forwarded message), else where some providers put them: ARF fields written
    /// into a text part, a Feedback-Type in the top-level headers, or Microsoft's JMRP
    /// (the reported message carries X-HmXmrOriginalRecipient).
    private static func feedbackFields(_ bounce: BounceMessage) -> FeedbackReportFields? {
        let isFeedback: (MessagePart) -> Bool = { $0.contentType.mimeType == "message/feedback-report" }
        if let part = bounce.root.first(intoMessages: false, where: isFeedback)
            ?? bounce.root.first(where: isFeedback)
        {
            return FeedbackReportFields(part.body)
        }
        if bounce.root.first(where: { $0.contentType.subtype == "delivery-status" }) != nil { return nil }
        for part in bounce.root.allParts().prefix(20) where part.contentType.type == "text" {
            if case .body(let bytes) = part.content, let fields = FeedbackReportFields(textLines: bytes) {
                return fields
            }
        }
        if let type = bounce.headers["Feedback-Type"], FeedbackReportFields.isKnownType(type) {
            return FeedbackReportFields(headers: bounce.headers)
        }
        if let recipient = bounce.originalHeaders?["X-HmXmrOriginalRecipient"],
            EmailAddressScanner.firstAddress(in: recipient) != nil
        {
            return FeedbackReportFields(jmrpRecipient: recipient)
        }
        return nil
    }
}
