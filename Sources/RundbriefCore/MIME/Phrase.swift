/// Display names and other RFC 5322 phrases: atoms as they are, a quoted-string
/// for short ASCII with specials, encoded words for anything else.
enum Phrase {
    /// The longest quoted-string written whole; longer ones become encoded words
    /// so the header can still be folded.
    static let longestQuotedString = 70

    static func atoms(_ name: String, firstMaxLength: Int = EncodedWord.maxLength) -> [String] {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && !$0.contains("=?") && $0.utf8.allSatisfy(Mailbox.isAtext) }
        ) {
            return words.map(String.init)
        }
        if name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }), name.utf8.count <= longestQuotedString,
            !name.contains("=?")
        {
            return [quoted(name)]
        }
        return EncodedWord.encode(name, firstMaxLength: firstMaxLength)
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}
