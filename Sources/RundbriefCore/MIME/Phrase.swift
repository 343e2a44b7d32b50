/// Display names and other RFC 5322 phrases: atoms as they are, a quoted-string
/// for short ASCII with specials, encoded words for anything else.
enum Phrase {
    /// The longest quoted-string written whole; longer ones become encoded words
    /// so the header can still be folded.
    static let longestQuotedString = 70

    static func atoms(_ name: String, firstMaxLength: Int = EncodedWord.maxLength) -> [String] {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && !looksEncoded($0.utf8) && $0.utf8.allSatisfy(Mailbox.isAtext) }) {
            return words.map(String.init)
        }
        if name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }), name.utf8.count <= longestQuotedString,
            !looksEncoded(name.utf8)
        {
            return [quoted(name)]
        }
        if words.contains(where: \.isEmpty) {
            return EncodedWord.encode(name, firstMaxLength: firstMaxLength)
        }
        return mixed(words, firstMaxLength: firstMaxLength)
    }

    /// Plain words stay atoms; only runs of words that need it become encoded words.
    ///
    /// Readers disagree on the space between two encoded words in a phrase (Python's email package keeps
    /// it, RFC 2047 drops it), so a name is never split into encoded words at a space it contains:
    /// "Landesbeauftragter =?utf-8?q?f=C3=BCr?= Interkommunale Zusammenarbeit NRW" reads the same everywhere.
    private static func mixed(_ words: [Substring], firstMaxLength: Int) -> [String] {
        var atoms: [String] = []
        var run: [Substring] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            atoms += EncodedWord.encode(
                run.joined(separator: " "), firstMaxLength: atoms.isEmpty ? firstMaxLength : EncodedWord.maxLength)
            run = []
        }
        for word in words {
            if !looksEncoded(word.utf8) && word.utf8.allSatisfy(Mailbox.isAtext) {
                flushRun()
                atoms.append(String(word))
            } else {
                run.append(word)
            }
        }
        flushRun()
        return atoms
    }

    /// Whether `text` contains `=?`, which a reader could take for the start of an encoded word
    /// (compared as bytes: this runs for every recipient's name).
    private static func looksEncoded<Text: Collection<UInt8>>(_ text: Text) -> Bool {
        var previous: UInt8 = 0
        for byte in text {
            if previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?") { return true }
            previous = byte
        }
        return false
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
