/// Weighs the marks of a non-standard bounce and of an auto-reply, so a person's
/// "Re: your mail was undeliverable" is not taken for a bounce.
struct BounceSignals {
    let isAutoReply: Bool
    /// Marks only NDRs carry: a failed-recipients header, an NDR banner, a daemon sender.
    let isStrongBounce: Bool
    let isBounce: Bool
    let isDelayed: Bool

    init(_ bounce: BounceMessage) {
        let headers = bounce.headers
        let subject = BouncePhrases.folded(bounce.subject.utf8.prefix(500))
        let text = bounce.foldedText
        let fromDaemon = Self.isDaemon(headers["From"] ?? "") || Self.isDaemon(headers["Sender"] ?? "")
        let subjectSays = BounceSignatures.subjects.matches(in: subject)
        let strongText = BounceSignatures.strongBodies.matches(in: text)
        let weakText = BounceSignatures.bodies.matches(in: text)
        let reportType = headers["Content-Type"].map { ContentType(parsing: $0) }
        let headerSays =
            headers.contains("X-Failed-Recipients") || headers.contains("X-MS-Exchange-Message-Is-Ndr")
            || reportType?.parameters["report-type"]?.lowercased() == "delivery-status"
        let nullSender = headers["Return-Path"].map { $0.trimmingBlanks() == "<>" } ?? false
        let generated = headers["Auto-Submitted"].map { !$0.lowercased().hasPrefix("no") } ?? false
        let humanReply = Self.replyPrefixes.matchesPrefix(of: subject)
        var score =
            (fromDaemon ? 2 : 0) + (subjectSays ? 2 : 0) + (strongText ? 3 : 0) + (weakText ? 1 : 0)
        score += (nullSender ? 1 : 0) + (generated ? 1 : 0) - (humanReply && !fromDaemon ? 3 : 0)
        isAutoReply = AutoReplyDetector.isAutoReply(headers)
        isStrongBounce = headerSays || strongText || fromDaemon || (subjectSays && !humanReply)
        let failedHeader = headers.contains("X-Failed-Recipients")
        let successOnly =
            (BounceSignatures.successSubjects.matches(in: subject)
                || BounceSignatures.successBodies.matches(in: text))
            && !failedHeader && !strongText && !BounceSignatures.failureWords.matches(in: subject)
            && !BounceSignatures.failureWords.matches(in: text)
        isBounce = !successOnly && (headerSays || score >= 3)
        isDelayed =
            BounceSignatures.delayed.matches(in: subject) || BounceSignatures.delayed.matches(in: text)
    }

    private static let replyPrefixes = PhraseSet(["re:", "aw:", "fwd:", "fw:", "wg:", "sv:", "antw:"])

    private static func isDaemon(_ value: String) -> Bool {
        if let address = EmailAddressScanner.firstAddress(in: value),
            let local = address.split(separator: "@").first,
            BounceSignatures.daemonLocalParts.contains(local.lowercased())
        {
            return true
        }
        return BounceSignatures.daemonNames.matches(in: EncodedWords.decode(value).utf8.prefix(300))
    }
}
