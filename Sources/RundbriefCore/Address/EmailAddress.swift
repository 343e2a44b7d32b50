public import Foundation

/// A deliverable email address (RFC 5321 `Mailbox` with a dot-atom local part), normalised for storage.
///
/// The local part keeps its case, because RFC 5321 leaves its interpretation to the receiving host;
/// the domain is lower-cased ASCII, with international labels spelled as `xn--` A-labels, so the same
/// mailbox typed two ways compares equal.
public struct EmailAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The longest local part in octets (RFC 5321 section 4.5.3.1.1).
    public static let maxLocalPartLength = 64
    /// The longest address in octets that fits in a `RCPT TO` path (RFC 5321, with erratum 1690).
    public static let maxLength = 254

    /// The part before the `@`, as given (case preserved).
    public let localPart: String
    /// The domain, lower-cased ASCII.
    public let domain: String

    /// `localPart@domain`, the stored, normalised form.
    public var value: String { localPart + "@" + domain }

    /// The domain with international labels decoded, for display.
    public var unicodeDomain: String { IDNA.toUnicode(domain) }

    public var description: String { value }

    /// Parses and normalises an address typed by a person or read from a file.
    ///
    /// Surrounding whitespace (including no-break spaces) is trimmed and the text NFC-normalised
    /// before validation.
    /// - Throws: `AddressError` with a short reason when the address is not deliverable.
    public init(_ raw: String) throws(AddressError) {
        let text = Self.trimmed(raw).precomposedStringWithCanonicalMapping
        try Self.checkCharacters(text)
        // Split on scalars: "@" followed by a combining mark is one Character, yet still the separator.
        let scalars = text.unicodeScalars
        guard let at = scalars.lastIndex(of: "@") else { throw AddressError(reason: "missing @") }
        let local = String(scalars[..<at])
        let domainPart = String(scalars[scalars.index(after: at)...])
        try Self.checkLocalPart(local)
        let domain = try Self.checkedDomain(domainPart)
        if local.utf8.count + 1 + domain.utf8.count > Self.maxLength {
            throw AddressError(reason: "address longer than \(Self.maxLength) characters")
        }
        self.localPart = local
        self.domain = domain
    }

    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        (lhs.domain, lhs.localPart) < (rhs.domain, rhs.localPart)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension EmailAddress {
    /// Characters that may appear unquoted in a local part (RFC 5322 `atext`), besides letters and digits.
    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    private static func trimmed(_ raw: String) -> String {
        let scalars = raw.unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = {
            // Zero-width space and BOM ride along when addresses are copied out of documents.
            $0.properties.isWhitespace || $0 == "\u{200B}" || $0 == "\u{FEFF}"
        }
        guard let start = scalars.firstIndex(where: { !isBlank($0) }),
            let end = scalars.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// Checks in order of what best explains the mistake: a pasted "Name <a@b>" has a space too,
    /// but "give only the address" is the helpful answer.
    private static let characterRules: [(reason: String, matches: @Sendable (Unicode.Scalar) -> Bool)] = [
        ("contains a line break", { ["\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }),
        ("contains a NUL character", { $0 == "\0" }),
        (
            "contains a control or invisible character",
            {
                [.control, .format].contains($0.properties.generalCategory)
            }
        ),
        ("contains a name or angle brackets; give only the address", { $0 == "<" || $0 == ">" }),
        ("contains a comment in parentheses", { $0 == "(" || $0 == ")" }),
        ("quoted local parts are not supported", { $0 == "\"" }),
        ("domain literals like [192.0.2.1] are not supported", { $0 == "[" || $0 == "]" }),
        ("contains more than one address (',' or ';')", { $0 == "," || $0 == ";" }),
        ("contains a space", { $0.properties.isWhitespace }),
    ]

    private static func checkCharacters(_ text: String) throws(AddressError) {
        if text.isEmpty { throw AddressError(reason: "address is empty") }
        for rule in characterRules where text.unicodeScalars.contains(where: rule.matches) {
            throw AddressError(reason: rule.reason)
        }
        if text.utf8.filter({ $0 == 0x40 }).count > 1 { throw AddressError(reason: "more than one @") }
    }

    private static func checkLocalPart(_ local: String) throws(AddressError) {
        if local.isEmpty { throw AddressError(reason: "nothing before @") }
        if !local.unicodeScalars.allSatisfy(\.isASCII) {
            throw AddressError(reason: "local part has non-ASCII characters (SMTPUTF8 addresses are not supported)")
        }
        let bytes = Array(local.utf8)
        if bytes.count > maxLocalPartLength {
            throw AddressError(reason: "local part longer than \(maxLocalPartLength) characters")
        }
        if bytes.first == 0x2E || bytes.last == 0x2E {
            throw AddressError(reason: "local part starts or ends with a dot")
        }
        if local.contains("..") { throw AddressError(reason: "local part has two dots in a row") }
        for byte in bytes where !isAtext(byte) && byte != 0x2E {
            throw AddressError(reason: "local part contains '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private static func checkedDomain(_ domain: String) throws(AddressError) -> String {
        try IDNA.toASCII(domain)
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: atextSymbols.contains(byte)
        }
    }
}
