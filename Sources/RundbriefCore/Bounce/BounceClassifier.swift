/// Turns what a report says about one recipient (status, diagnostic, action) into
/// the verdict operators act on: the status code, permanence, and sender blame.
enum BounceClassifier {
    struct Verdict: Equatable {
        var status: String?
        var permanent: Bool
        var senderBlocked: Bool
        var action: String
    }

    /// - Parameters:
    ///   - status: The report's Status field, if any.
    ///   - diagnostic: The server's words (Diagnostic-Code or the NDR text).
    ///   - action: The report's Action, or what the surrounding text implies.
    static func classify(status rawStatus: String?, diagnostic: String?, action rawAction: String?)
        -> Verdict
    {
        let status = bestStatus(field: rawStatus, diagnostic: diagnostic)
        let reply = diagnostic.flatMap { StatusCodeScanner.replyCode(in: $0.prefix(2000)) }
        let action = normalizedAction(rawAction, status: status, reply: reply)
        let classDigit =
            status?.first ?? reply.map { Character(String($0 / 100)) }
            ?? (action == "delayed" ? "4" : "5")
        let reason = reason(status: status, diagnostic: diagnostic)
        let permanent = action == "failed" && classDigit == "5" && reason.blamesRecipient
        var finalStatus = status
        if status == nil || status?.hasSuffix(".0.0") == true {
            finalStatus =
                reason.impliedStatus(classDigit: classDigit) ?? status ?? reply.map { "\($0 / 100).0.0" }
        } else if let status, status.hasSuffix(".0"), let implied = reason.impliedStatus(classDigit: classDigit),
            implied.split(separator: ".")[1] != status.split(separator: ".")[1]
        {
            // "5.3.0 … No such user": a catch-all detail whose words name a specific reason.
            finalStatus = implied
        }
        return Verdict(
            status: finalStatus, permanent: permanent, senderBlocked: reason.blamesSender,
            action: action)
    }

    /// The Status field's code, unless it is the generic "x.0.0" and the diagnostic
    /// names a more specific one of the same class; a catch-all detail ("5.1.0") gives
    /// way to a specific one of the same subject the diagnostic quotes ("… 550-'5.1.1 …'").
    private static func bestStatus(field: String?, diagnostic: String?) -> String? {
        let fieldStatus = field.flatMap { StatusCodeScanner.enhancedStatus(in: $0) }
        let quoted = diagnostic.map { StatusCodeScanner.enhancedStatuses(in: $0.prefix(2000), limit: 8) } ?? []
        let status: String?
        if let fieldStatus, !fieldStatus.hasSuffix(".0.0") {
            status = fieldStatus
        } else if let found = quoted.first(where: { $0.first != "2" }) ?? quoted.first {
            status = fieldStatus.map { found.first == $0.first ? found : $0 } ?? found
        } else {
            status = fieldStatus
        }
        guard let status, status.hasSuffix(".0") else { return status }
        let prefix = status.dropLast(1)
        return quoted.first { $0.hasPrefix(prefix) && !$0.hasSuffix(".0") } ?? status
    }

    private static func normalizedAction(_ raw: String?, status: String?, reply: Int?) -> String {
        let action = raw.map { $0.trimmingBlanks().lowercased() }.flatMap {
            $0.split(separator: " ").first.map(String.init)
        }
        if let action, !action.isEmpty { return action }
        switch status?.first ?? reply.flatMap({ String($0).first }) {
        case "2": return "delivered"
        case "4": return "delayed"
        default: return "failed"
        }
    }

    /// Specific status codes about the address outrank policy words; words that name
    /// a recipient fault outrank a policy code ("550 5.7.1 unknown user" happens).
    private static func reason(status: String?, diagnostic: String?) -> BounceReason {
        let byStatus = BounceReason.from(status: status)
        let byWords = BounceReason.from(diagnostic: diagnostic, status: nil)
        // The sender's own address refused outranks what the callout said about it.
        if byWords == .senderInvalid || byStatus == .senderInvalid { return .senderInvalid }
        switch byStatus {
        case .userUnknown, .hostUnknown, .mailboxDisabled, .mailboxFull, .messageTooLarge, .recipientRestricted:
            return byStatus
        case .senderBlocked:
            // x.7.x is also what servers answer for a recipient that refuses everyone
            // ("Recipient address rejected: Access denied", "Relay access denied").
            return [.userUnknown, .hostUnknown, .mailboxDisabled, .mailboxFull, .relayDenied, .recipientRestricted]
                .contains(byWords) ? byWords : byStatus
        default:
            return byWords == .unknown ? byStatus : byWords
        }
    }
}
