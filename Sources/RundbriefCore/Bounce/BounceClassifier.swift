/// Turns what a report says about one recipient (status, diagnostic, action) into
/// the verdict operators act on: the status code, the reason, permanence, and sender blame.
enum BounceClassifier {
    struct Verdict: Equatable {
        var status: String?
        var reason: BounceReason
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
        let reason = reason(status: status, diagnostic: diagnostic)
        // Without any code, a delay or words of a passing failure (greylisting, a lost
        // connection, a rate limit) make it a 4.x.x.
        let classDigit =
            status?.first ?? reply.map { Character(String($0 / 100)) }
            ?? (action == "delayed" || [.temporary, .networkError, .rateLimited].contains(reason) ? "4" : "5")
        let permanent = action == "failed" && classDigit == "5" && reason.weight(permanent: true) == .hard
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
            status: finalStatus, reason: reason, permanent: permanent, senderBlocked: reason.blamesSender,
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

    /// Specific status codes about the address outrank the words; within x.7.x (policy)
    /// the words say which policy, or that the recipient refuses everyone ("550 5.7.1
    /// unknown user" happens); a generic code takes the words' reason.
    static func reason(status: String?, diagnostic: String?) -> BounceReason {
        let byStatus = BounceReason.from(status: status)
        let byWords = BounceReason.from(diagnostic: diagnostic, status: nil)
        // The sender's own address refused outranks what the callout said about it.
        if byWords == .senderRejected || byStatus == .senderRejected { return .senderRejected }
        switch byStatus {
        case .userUnknown, .hostUnknown, .suspended, .mailboxFull, .messageTooLarge, .recipientRestricted,
            .authenticationFailure, .rateLimited:
            return byStatus
        case .blocked:
            return [.unknown, .networkError, .systemError, .expired].contains(byWords) ? byStatus : byWords
        default:
            return byWords == .unknown ? byStatus : byWords
        }
    }
}
