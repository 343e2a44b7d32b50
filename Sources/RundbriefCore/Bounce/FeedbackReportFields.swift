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
        self.init(headers: headers)
    }

    init(headers: MessageHeaders) {
        feedbackType = headers["Feedback-Type"].map { $0.trimmingBlanks().lowercased() }
        originalRecipients = (headers.all("Original-Rcpt-To") + headers.all("Removal-Recipient"))
            .compactMap(EmailAddressScanner.normalize)
        originalMailFrom = headers["Original-Mail-From"]
        reportingMTA = headers["Reporting-MTA"].map(DeliveryStatusFields.stripType)
        arrivalDate = headers["Arrival-Date"] ?? headers["Received-Date"]
    }

    /// A Microsoft JMRP report: an abuse complaint about the named recipient.
    init(jmrpRecipient: String) {
        feedbackType = "abuse"
        originalRecipients = [jmrpRecipient].compactMap(EmailAddressScanner.normalize)
    }

    /// ARF fields written as lines of a text part, among other text; nil unless one of
    /// them is a Feedback-Type with a known type.
    init?(textLines body: [UInt8]) {
        let head = body.prefix(64 * 1024)
        guard Self.typeField.matches(in: head) else { return nil }
        var picked: [UInt8] = []
        var sawType = false
        for line in ByteText.lines(head).prefix(400) {
            let trimmed = ByteText.trimmed(line)
            guard let colon = trimmed.firstIndex(of: UInt8(ascii: ":")),
                Self.fieldNames.contains(String(decoding: ByteText.lowercased(trimmed[..<colon]), as: UTF8.self))
            else { continue }
            if ByteText.hasPrefix(Array("feedback-type".utf8), ByteText.lowercased(trimmed)[...]) {
                guard Self.isKnownType(ByteText.string(trimmed[(colon + 1)...])) else { continue }
                sawType = true
            }
            picked.append(contentsOf: trimmed)
            picked.append(ByteText.lf)
        }
        guard sawType else { return nil }
        self.init(picked)
    }

    private static let typeField = PhraseSet(["feedback-type:"])

    private static let fieldNames: Set<String> = [
        "feedback-type", "user-agent", "version", "original-mail-from", "original-rcpt-to", "removal-recipient",
        "reporting-mta", "arrival-date", "received-date", "source-ip", "incidents", "reported-domain",
    ]

    static func isKnownType(_ value: String) -> Bool {
        knownTypes.contains(value.trimmingBlanks().lowercased())
    }

    private static let knownTypes: Set<String> = [
        "abuse", "fraud", "virus", "other", "complaint", "opt-out", "unsubscribe", "not-spam", "auth-failure",
    ]

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
