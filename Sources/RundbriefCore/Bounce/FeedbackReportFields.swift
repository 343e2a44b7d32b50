/// The fields of an RFC 5965 message/feedback-report body (ARF).
struct FeedbackReportFields {
    var feedbackType: String?
    var originalRecipients: [String] = []
    var originalMailFrom: String?
    var reportingMTA: String?
    var arrivalDate: String?

    init(_ body: [UInt8]) {
        let (headers, _) = MessageHeaders.parse(
            Self.withoutLeadingBlankLines(body)[...], maxFields: 200)
        feedbackType = headers["Feedback-Type"].map { $0.trimmingBlanks().lowercased() }
        originalRecipients = (headers.all("Original-Rcpt-To") + headers.all("Removal-Recipient"))
            .compactMap(EmailAddressScanner.normalize)
        originalMailFrom = headers["Original-Mail-From"]
        reportingMTA = headers["Reporting-MTA"].map(DeliveryStatusFields.stripType)
        arrivalDate = headers["Arrival-Date"] ?? headers["Received-Date"]
    }

    private static func withoutLeadingBlankLines(_ body: [UInt8]) -> ArraySlice<UInt8> {
        var start = body.startIndex
        while start < body.endIndex,
            body[start] == ByteText.cr || body[start] == ByteText.lf || ByteText.isBlank(body[start])
        {
            start += 1
        }
        return body[start...]
    }

    /// Feedback types that mean a subscriber complained (as opposed to "auth-failure"
    /// DMARC reports or "not-spam").
    var isComplaint: Bool {
        switch feedbackType {
        case "abuse", "fraud", "virus", "other", "complaint", "opt-out", "unsubscribe", nil: true
        default: false
        }
    }
}
