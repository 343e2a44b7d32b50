/// The two unsubscribe addresses every message carries (List-Unsubscribe, RFC 2369 and RFC 8058).
///
/// The same token serves both: the https URL (page with a button on GET, one-click on POST) and the
/// mailto address, whose subject carries the token so `rundbrief bounce ingest` can act on a reply.
public enum UnsubscribeLinks {
    /// `<base>/unsubscribe?token=<token>`; the token is base64url, so it needs no escaping.
    public static func https(baseURL: String, token: String) -> String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/unsubscribe?token=\(token)"
    }

    /// `mailto:<address>?subject=unsubscribe%20<token>`.
    public static func mailto(address: String, token: String) -> String {
        "mailto:\(address)?subject=unsubscribe%20\(token)"
    }

    /// The token in a subject line written by `mailto(address:token:)` ("unsubscribe <token>"),
    /// as mail clients send it (possibly with "Re:" or other words around it).
    public static func token(inSubject subject: String) -> String? {
        let words = subject.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let index = words.firstIndex(where: { $0.lowercased() == "unsubscribe" }), index + 1 < words.count else {
            return nil
        }
        let token = words[index + 1]
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return String(token)
    }
}
