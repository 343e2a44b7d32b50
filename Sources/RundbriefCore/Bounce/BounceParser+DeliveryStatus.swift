extension BounceParser {
    /// An RFC 3464 report: one recipient per failed or delayed block. Nil when the
    /// message has no delivery-status part with a usable recipient, so the text
    /// readers get their turn.
    func deliveryStatusReport(_ bounce: BounceMessage) -> BounceReport? {
        let isStatus: (MessagePart) -> Bool = {
            $0.contentType.type == "message"
                && ($0.contentType.subtype == "delivery-status"
                    || $0.contentType.subtype == "global-delivery-status")
        }
        guard
            let part = bounce.root.first(intoMessages: false, where: isStatus)
                ?? bounce.root.first(where: isStatus)
        else { return nil }
        return deliveryStatusReport(bounce, fields: DeliveryStatusFields(part.body))
    }

    /// The report for parsed delivery-status fields; nil when no block names a recipient.
    func deliveryStatusReport(_ bounce: BounceMessage, fields: DeliveryStatusFields) -> BounceReport? {
        let textFindings = findings(bounce)
        var recipients: [BounceReport.Recipient] = []
        var sawOutcome = false
        for block in fields.recipients {
            // A lone block without a usable address takes the text's one recipient (AOL, Sina, plain DSNs).
            let lone = fields.recipients.count == 1 && textFindings.count == 1 ? textFindings[0].address : nil
            guard let address = Self.address(of: block) ?? Self.textAddress(of: block, in: textFindings) ?? lone
            else { continue }
            sawOutcome = true
            let fallback = textFindings.first { $0.address.lowercased() == address.lowercased() }
            let recipient = Self.recipient(address, block: block, fallback: fallback)
            guard recipient.action == "failed" || recipient.action == "delayed" else { continue }
            if !recipients.contains(where: { $0.address.lowercased() == address.lowercased() }) {
                recipients.append(recipient)
            }
        }
        guard sawOutcome else { return nil }
        return BounceReport(
            kind: recipients.isEmpty ? .notABounce : .bounce, recipients: recipients,
            reportingMTA: fields.reportingMTA.map(DeliveryStatusFields.stripType),
            arrivalDate: fields.arrivalDate)
    }

    /// Original-Recipient is the address as we sent it (Final-Recipient may be an
    /// alias target), so it wins when it is an address.
    private static func address(of block: DeliveryStatusFields.Recipient) -> String? {
        block.originalRecipient.flatMap(EmailAddressScanner.normalize)
            ?? block.finalRecipient.flatMap(EmailAddressScanner.normalize)
    }

    /// A block whose recipient field is no address ("LOCAL; ole.hansen", "rfc822; <jane>")
    /// takes the one text address with that local part.
    private static func textAddress(
        of block: DeliveryStatusFields.Recipient, in findings: [BounceTextScanner.Finding]
    ) -> String? {
        guard let raw = block.originalRecipient ?? block.finalRecipient else { return nil }
        let quote: (Character) -> Bool = { "<>\"' ".contains($0) }
        var trimmed = Substring(DeliveryStatusFields.stripType(raw)).drop(while: quote)
        while let last = trimmed.last, quote(last) { trimmed = trimmed.dropLast() }
        let local = trimmed.lowercased()
        guard !local.isEmpty, !local.contains("@"), local.count <= 64 else { return nil }
        let matching = findings.filter { $0.address.lowercased().hasPrefix(local + "@") }
        return matching.count == 1 ? matching[0].address : nil
    }

    private static func recipient(
        _ address: String, block: DeliveryStatusFields.Recipient, fallback: BounceTextScanner.Finding?
    ) -> BounceReport.Recipient {
        var diagnostic = block.diagnosticCode.map {
            BounceTextScanner.clean([Array(DeliveryStatusFields.stripType($0).utf8)[...]])
        }
        if diagnostic?.isEmpty ?? true { diagnostic = fallback?.diagnostic }
        let verdict = BounceClassifier.classify(
            status: block.status, diagnostic: diagnostic, action: block.action)
        return BounceReport.Recipient(
            address: address, permanent: verdict.permanent, status: verdict.status,
            diagnostic: diagnostic,
            remoteMTA: block.remoteMTA.map(DeliveryStatusFields.stripType) ?? fallback?.remoteMTA,
            action: verdict.action, senderBlocked: verdict.senderBlocked,
            reason: verdict.reason)
    }

    /// Recipients and diagnostics read from the human-readable text.
    func findings(_ bounce: BounceMessage) -> [BounceTextScanner.Finding] {
        BounceTextScanner(excluded: bounce.excludedAddresses).scan(bounce.humanLines)
    }
}
