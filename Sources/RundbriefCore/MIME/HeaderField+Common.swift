public import Foundation

extension HeaderField {
    /// `Date:` in RFC 5322 format, in UTC.
    public static func date(_ date: Date) -> HeaderField {
        HeaderField(verifiedName: "Date", value: MessageDate.format(date))
    }

    /// `Message-ID: <id>`.
    public static func messageID(_ id: MessageID) -> HeaderField {
        HeaderField(verifiedName: "Message-ID", value: id.description)
    }

    /// `MIME-Version: 1.0`.
    public static let mimeVersion = HeaderField(verifiedName: "MIME-Version", value: "1.0")

    /// `List-Unsubscribe` with an https URL and/or a mailto URL (RFC 2369, RFC 8058).
    ///
    /// When the first URL does not fit the first line, each URL gets a line of its own (the field
    /// name stands alone on the first): a URL cannot be folded, and a relay that re-serialises a
    /// line longer than 78 octets (Python's `email`) rewrites it and breaks the DKIM signature.
    /// - Throws: ``MIMEError`` if a URL is not printable ASCII without spaces and angle brackets.
    public static func listUnsubscribe(https: String, mailto: String) throws -> HeaderField {
        let urls = [https, mailto].filter { !$0.isEmpty }
        for url in urls
        where url.utf8.contains(where: { !(0x21...0x7E).contains($0) || $0 == 0x3C || $0 == 0x3E }) {
            throw MIMEError(
                .forbiddenCharacterInHeader, context: "List-Unsubscribe",
                reason: "URL has a space, '<', '>' or non-ASCII")
        }
        let atoms = urls.enumerated().map { "<\($1)>" + ($0 < urls.count - 1 ? "," : "") }
        let name = "List-Unsubscribe"
        guard let first = atoms.first, name.utf8.count + 2 + first.utf8.count > HeaderFolding.preferredLineLength
        else {
            return HeaderField(verifiedName: name, value: try HeaderFolding.fold(atoms: atoms, name: name))
        }
        return HeaderField(verifiedName: name, value: atoms.map { "\r\n " + $0 }.joined())
    }

    /// `List-Id: Name <id>` (RFC 2919); `id` is a dot-atom such as `news.example.org`.
    public static func listID(name: String, id: String) throws -> HeaderField {
        guard !id.isEmpty, id.utf8.allSatisfy({ Mailbox.isAtext($0) || $0 == ASCII.dot }) else {
            throw MIMEError(
                .forbiddenCharacterInHeader, context: "List-Id", reason: "list id must be a dot-atom")
        }
        try rejectLineBreaks(in: name, field: "List-Id")
        let atoms =
            name.isEmpty
            ? ["<\(id)>"] : Phrase.atoms(name, firstMaxLength: 76 - "List-Id: ".utf8.count) + ["<\(id)>"]
        return HeaderField(
            verifiedName: "List-Id", value: try HeaderFolding.fold(atoms: atoms, name: "List-Id"))
    }
}
