extension BounceParser {
    /// An RFC 5965 feedback report. Complaint types become `complaint` for the
    /// Original-Rcpt-To addresses (else the reported message's To); other types
    /// (DMARC "auth-failure", "not-spam") are `notABounce` with their feedback type.
    func feedbackReport(_ bounce: BounceMessage) -> BounceReport? {
        let isFeedback: (MessagePart) -> Bool = { $0.contentType.mimeType == "message/feedback-report" }
        guard let part = bounce.root.first(intoMessages: false, where: isFeedback) else { return nil }
        let fields = FeedbackReportFields(part.body)
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
}
