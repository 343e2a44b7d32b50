extension BounceParser {
    /// A non-standard NDR: recipients from X-Failed-Recipients and the text, else the
    /// returned original's To; each classified from its own diagnostic.
    func textBounce(_ bounce: BounceMessage, delayed: Bool) -> BounceReport {
        if let inline = inlineDeliveryStatus(bounce) { return inline }
        let found = findings(bounce)
        var addresses = bounce.headers.all("X-Failed-Recipients").flatMap {
            EmailAddressScanner.addresses(in: $0)
        }
        if addresses.isEmpty { addresses = found.map(\.address) }
        if addresses.isEmpty, let to = bounce.originalHeaders?["To"] {
            addresses = EmailAddressScanner.addresses(in: to).filter {
                !bounce.excludedAddresses.contains($0.lowercased())
            }
        }
        // Exim names a failure by host only ("SMTP error from remote mail server after end of data: 552 …").
        let global =
            found.isEmpty
            ? BounceTextScanner.globalDiagnostic(bounce.humanLines)
                ?? BounceTextScanner.reasonParagraph(bounce.humanLines) : nil
        var seen: Set<String> = []
        let recipients = addresses.filter { seen.insert($0.lowercased()).inserted }.prefix(200).map {
            address in
            let finding = found.first { $0.address.lowercased() == address.lowercased() }
            let diagnostic =
                finding?.diagnostic ?? (found.count == 1 ? found[0].diagnostic : nil)
                ?? (found.isEmpty && addresses.count == 1 ? global : nil)
            let verdict = BounceClassifier.classify(
                status: nil, diagnostic: diagnostic,
                action: Self.action(diagnostic: diagnostic, delayed: delayed))
            return BounceReport.Recipient(
                address: address, permanent: verdict.permanent, status: verdict.status,
                diagnostic: diagnostic,
                remoteMTA: finding?.remoteMTA, action: verdict.action, senderBlocked: verdict.senderBlocked,
                reason: verdict.reason)
        }
        return BounceReport(kind: .bounce, recipients: Array(recipients))
    }

    /// DSN fields pasted into the text ("Final-Recipient: …", "Status: …") instead of a
    /// message/delivery-status part, which some gateways do.
    private func inlineDeliveryStatus(_ bounce: BounceMessage) -> BounceReport? {
        guard Self.dsnFieldNames.matches(in: bounce.humanText) else { return nil }
        return deliveryStatusReport(bounce, fields: DeliveryStatusFields(bounce.humanText))
    }

    private static let dsnFieldNames = PhraseSet(["final-recipient:", "original-recipient:"])

    /// A warning about a delay stays "delayed" unless the recipient's own reply was a 5xx.
    private static func action(diagnostic: String?, delayed: Bool) -> String {
        guard delayed else { return "failed" }
        let reply = diagnostic.flatMap { StatusCodeScanner.replyCode(in: $0) }
        let status = diagnostic.flatMap { StatusCodeScanner.enhancedStatus(in: $0) }
        return (reply.map { $0 >= 500 } ?? false) || status?.first == "5" ? "failed" : "delayed"
    }
}
