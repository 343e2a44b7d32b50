/// An email address with an optional display name, as written in `From`/`To`.
public struct Mailbox: Sendable, Hashable {
    /// The addr-spec, `local@domain`, ASCII only.
    public let address: String
    /// The display name in Unicode; empty for none.
    public let displayName: String

    /// - Throws: ``MIMEError`` `.invalidAddress` if `address` is not a plain ASCII
    ///   `local@domain`, `.forbiddenCharacterInHeader` if the name has CR, LF or NUL.
    public init(address: String, displayName: String = "") throws {
        guard Self.isValidAddress(address) else {
            throw MIMEError(
                .invalidAddress, context: "address", reason: "not a plain ASCII local@domain address")
        }
        try HeaderField.rejectLineBreaks(in: displayName, field: "display name")
        self.address = address
        self.displayName = displayName
    }

    /// The atoms of `name <address>` for folding.
    func atoms(firstMaxLength: Int = EncodedWord.maxLength) -> [String] {
        displayName.isEmpty
            ? ["<\(address)>"]
            : Phrase.atoms(displayName, firstMaxLength: firstMaxLength) + ["<\(address)>"]
    }

    /// RFC 5322 `atext`.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// A dot-atom local part and a hostname (or dot-atom) domain.
    static func isValidAddress(_ address: String) -> Bool {
        guard let at = address.utf8.lastIndex(of: 0x40) else { return false }
        let local = address.utf8[..<at]
        let domain = address.utf8[address.utf8.index(after: at)...]
        return isDotAtom(local) && local.count <= 64 && isDotAtom(domain) && domain.count <= 255
    }

    private static func isDotAtom(_ text: Substring.UTF8View) -> Bool {
        guard let first = text.first, let last = text.last, first != ASCII.dot, last != ASCII.dot else {
            return false
        }
        var previousWasDot = false
        for byte in text {
            if byte == ASCII.dot {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isAtext(byte) else { return false }
                previousWasDot = false
            }
        }
        return true
    }
}
