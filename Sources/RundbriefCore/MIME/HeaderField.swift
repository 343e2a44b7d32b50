/// One header field, validated and encoded when it is made: its value is ASCII,
/// folded at whitespace, and cannot contain a line break that was not put there
/// by folding, so header injection is impossible by construction.
public struct HeaderField: Sendable, Hashable {
    /// The field name as written, e.g. `"Subject"`.
    public let name: String
    /// The encoded, folded value as written after `name: `, without the final CRLF.
    public let value: String

    /// An unstructured field (`Subject`, `X-Mailer`, ...) with free Unicode text;
    /// non-ASCII, over-long or whitespace-sensitive words become RFC 2047 encoded words.
    /// - Throws: ``MIMEError`` if the name is invalid or the text contains CR, LF or NUL.
    public init(name: String, text: String) throws {
        try Self.validate(name: name)
        try Self.rejectLineBreaks(in: text, field: name)
        self.init(
            verifiedName: name,
            value: try HeaderFolding.fold(
                atoms: UnstructuredText.atoms(text, nameLength: name.utf8.count), name: name))
    }

    /// A structured field whose value is already in its wire syntax (ASCII, e.g.
    /// `List-Unsubscribe-Post`); it is folded at spaces.
    /// - Throws: ``MIMEError`` if the name is invalid or the value has CR, LF, NUL,
    ///   control or non-ASCII characters.
    public init(name: String, structured value: String) throws {
        try Self.validate(name: name)
        try Self.rejectLineBreaks(in: value, field: name)
        guard value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw MIMEError(
                .nonASCIIStructuredHeader, context: name, reason: "structured value must be printable ASCII"
            )
        }
        self.init(
            verifiedName: name,
            value: try HeaderFolding.fold(atoms: HeaderFolding.atoms(value), name: name))
    }

    /// An address field (`From`, `To`, `Reply-To`) listing mailboxes.
    public init(name: String, mailboxes: [Mailbox]) throws {
        try Self.validate(name: name)
        var atoms: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxAtoms = mailbox.atoms(
                firstMaxLength: index == 0 ? 76 - name.utf8.count - 2 : EncodedWord.maxLength)
            if index < mailboxes.count - 1 { mailboxAtoms[mailboxAtoms.count - 1] += "," }
            atoms += mailboxAtoms
        }
        self.init(verifiedName: name, value: try HeaderFolding.fold(atoms: atoms, name: name))
    }

    init(verifiedName: String, value: String) {
        self.name = verifiedName
        self.value = value
    }

    /// Appends `name: value` CRLF (no space when the value starts on the next line).
    public func write(to output: inout [UInt8]) {
        output.append(contentsOf: name.utf8)
        output.append(0x3A)
        if !value.isEmpty, !value.hasPrefix("\r\n") { output.append(ASCII.space) }
        output.append(contentsOf: value.utf8)
        output.append(contentsOf: ASCII.crlf)
    }

    /// RFC 5322 `ftext`: printable ASCII except the colon.
    static func validate(name: String) throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x3A }) else {
            throw MIMEError(
                .invalidHeaderName, context: "header name",
                reason: "name must be printable ASCII without ':'")
        }
    }

    static func rejectLineBreaks(in text: String, field: String) throws {
        if text.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 }) {
            throw MIMEError(
                .forbiddenCharacterInHeader, context: field, reason: "value contains CR, LF or NUL")
        }
    }
}
