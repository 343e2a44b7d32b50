/// Recognises out-of-office and other automatic replies (RFC 3834 and the headers
/// and subjects the big mail systems use instead).
enum AutoReplyDetector {
    static func isAutoReply(_ headers: MessageHeaders) -> Bool {
        if let submitted = headers["Auto-Submitted"]?.lowercased(), submitted.hasPrefix("auto-replied") {
            return true
        }
        if headers["X-Autoreply"].map(isYes) == true || headers["X-Autorespond"] != nil
            || headers["X-Autoresponder"] != nil || headers["X-Auto-Reply"] != nil
            || headers["X-Vacation"] != nil
        {
            return true
        }
        let precedence = headers["Precedence"]?.lowercased() ?? ""
        if precedence.contains("auto_reply") || precedence.contains("auto-reply") { return true }
        if headers["X-MS-Exchange-Inbox-Rules-Loop"] != nil, headers["Auto-Submitted"] != nil {
            return true
        }
        return hasAutoReplySubject(headers.decoded("Subject") ?? "")
    }

    private static func isYes(_ value: String) -> Bool {
        let lowered = value.trimmingBlanks().lowercased()
        return lowered != "no" && lowered != "false" && lowered != "0"
    }

    /// Subjects that start with an auto-reply prefix, or contain an out-of-office phrase
    /// without being a person's "Re:" to one.
    static func hasAutoReplySubject(_ subject: String) -> Bool {
        let text = BouncePhrases.folded(subject.utf8.prefix(500))
        if prefixes.matchesPrefix(of: text) { return true }
        if replyPrefixes.matchesPrefix(of: text) { return false }
        return phrases.matches(in: text)
    }

    private static let prefixes = PhraseSet([
        "automatic reply", "auto reply", "autoreply", "auto-reply", "auto:", "auto response",
        "autoresponse",
        "auto-response", "out of office", "abwesenheitsnotiz", "automatische antwort",
        "réponse automatique",
        "reponse automatique", "respuesta automática", "respuesta automatica", "risposta automatica",
        "automatisch antwoord", "autosvar", "automatisk svar", "odpowiedź automatyczna", "abwesend",
        "автоответ", "автоматический ответ", "自動応答", "自動返信", "自動返答", "resposta automática",
        "resposta automatica", "automatische antwort", "automatic response", "autosvar:",
    ])

    private static let replyPrefixes = PhraseSet([
        "re:", "aw:", "fwd:", "fw:", "wg:", "sv:", "antw:", "tr:",
    ])

    private static let phrases = PhraseSet([
        "out of office", "out of the office", "ooo:", "abwesenheitsnotiz", "automatische antwort",
        "automatic reply",
        "autoreply", "auto-reply", "auto reply", "vacation", "on holiday", "on leave",
        "away from the office",
        "away from my desk", "i am away", "i'm away", "abwesend", "abwesenheit", "urlaub",
        "nicht im büro",
        "außer haus", "ausser haus", "absence", "absent du bureau", "en vacances",
        "fuera de la oficina",
        "fuori ufficio", "afwezig", "is out of the office", "автоответ", "в отпуске", "不在", "自動応答",
        "自動返信", "nieobecn", "poza biurem",
    ])
}
