/// Keeps personal data out of log lines: a log is read by more people, and kept longer, than the database.
public enum LogRedaction {
    /// Masks an address for logs at info level and above: `anna@example.de` → `a***@example.de`.
    ///
    /// The domain stays readable because an operator needs it ("every gmx.de address defers"),
    /// the mailbox does not.
    public static func address(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "***" }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard let first = local.first else { return "***@" + domain }
        return String(first) + "***@" + domain
    }

    /// Masks every address-like word in free text, such as an SMTP reply
    /// ("550 5.1.1 <anna@example.de>: Recipient address rejected").
    public static func addresses(in text: String) -> String {
        guard text.contains("@") else { return text }
        // Quotes and brackets are left out of the local part: in free text they surround an address.
        let pattern = /[A-Za-z0-9!#$%&*+\/=?^_~.\-]+@[A-Za-z0-9.\-]+[A-Za-z0-9]/
        return text.replacing(pattern) { match in address(String(match.output)) }
    }

    /// Metadata keys whose values are never written out, whatever their content.
    public static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return ["password", "secret", "token", "credential", "authorization", "key"].contains {
            lowered.hasSuffix($0)
        }
    }
}
