import Foundation

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
        let trimmed = Self.trimmed(raw)
        let text = trimmed.utf8.allSatisfy { $0 < 0x80 } ? trimmed : trimmed.precomposedStringWithCanonicalMapping
        try Self.checkCharacters(text)
        // Split on scalars: "@" followed by a combining mark is one Character, yet still the separator.
        let scalars = text.unicodeScalars
        guard let at = scalars.lastIndex(of: "@") else {
            throw AddressError(reason: "missing @", german: "es fehlt das @")
        }
        let local = String(scalars[..<at])
        let domainPart = String(scalars[scalars.index(after: at)...])
        try Self.checkLocalPart(local)
        let domain = try Self.checkedDomain(domainPart)
        if local.utf8.count + 1 + domain.utf8.count > Self.maxLength {
            throw AddressError(
                reason: "address longer than \(Self.maxLength) characters",
                german: "die Adresse ist länger als \(Self.maxLength) Zeichen")
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
    static let characterRules: [(reason: String, german: String, matches: @Sendable (Unicode.Scalar) -> Bool)] = [
        ("contains a line break", "enthält einen Zeilenumbruch", { isLineBreak($0) }),
        ("contains a NUL character", "enthält ein NUL-Zeichen", { $0 == "\0" }),
        (
            "contains a control or invisible character", "enthält ein Steuer- oder unsichtbares Zeichen",
            { isControlOrFormat($0) }
        ),
        (
            "contains a name or angle brackets; give only the address",
            "enthält einen Namen oder spitze Klammern; bitte nur die Adresse angeben", { $0 == "<" || $0 == ">" }
        ),
        ("contains a comment in parentheses", "enthält einen Kommentar in Klammern", { $0 == "(" || $0 == ")" }),
        (
            "quoted local parts are not supported", "Anführungszeichen in der Adresse werden nicht unterstützt",
            { $0 == "\"" }
        ),
        (
            "domain literals like [192.0.2.1] are not supported",
            "IP-Adressen wie [192.0.2.1] statt einer Domain werden nicht unterstützt", { $0 == "[" || $0 == "]" }
        ),
        (
            "contains more than one address (',' or ';')", "enthält mehr als eine Adresse („,“ oder „;“)",
            { $0 == "," || $0 == ";" }
        ),
        ("contains a space", "enthält ein Leerzeichen", { $0.properties.isWhitespace }),
    ]

    /// The index of the first rule in `characterRules` an ASCII byte breaks: one pass over the
    /// bytes instead of one per rule, for the common all-ASCII address (imports check millions).
    static func asciiRule(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x0A, 0x0D: 0
        case 0x00: 1
        case 0x01...0x1F, 0x7F: 2
        case 0x3C, 0x3E: 3
        case 0x28, 0x29: 4
        case 0x22: 5
        case 0x5B, 0x5D: 6
        case 0x2C, 0x3B: 7
        case 0x20: 8
        default: nil
        }
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}": true
        default: false
        }
    }

    private static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format: true
        default: false
        }
    }

    private static func checkCharacters(_ text: String) throws(AddressError) {
        if text.isEmpty { throw AddressError(reason: "address is empty", german: "die Adresse ist leer") }
        var broken: UInt32 = 0  // bit i: rule i is broken somewhere
        var atSigns = 0
        var isASCII = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                isASCII = false
            } else if byte == 0x40 {
                atSigns += 1
            } else if let rule = asciiRule(byte) {
                broken |= 1 << rule
            }
        }
        if !isASCII {
            for (index, rule) in characterRules.enumerated() where text.unicodeScalars.contains(where: rule.matches) {
                broken |= 1 << index
            }
        }
        if broken != 0 {
            let rule = characterRules[broken.trailingZeroBitCount]
            throw AddressError(reason: rule.reason, german: rule.german)
        }
        if atSigns > 1 { throw AddressError(reason: "more than one @", german: "enthält mehr als ein @") }
    }

    private static func checkLocalPart(_ local: String) throws(AddressError) {
        if local.isEmpty { throw AddressError(reason: "nothing before @", german: "vor dem @ steht nichts") }
        if !local.unicodeScalars.allSatisfy(\.isASCII) {
            throw AddressError(
                reason: "local part has non-ASCII characters (SMTPUTF8 addresses are not supported)",
                german: "vor dem @ stehen Umlaute oder andere Sonderzeichen (solche Adressen werden nicht unterstützt)")
        }
        let bytes = Array(local.utf8)
        if bytes.count > maxLocalPartLength {
            throw AddressError(
                reason: "local part longer than \(maxLocalPartLength) characters",
                german: "der Teil vor dem @ ist länger als \(maxLocalPartLength) Zeichen")
        }
        if bytes.first == 0x2E || bytes.last == 0x2E {
            throw AddressError(
                reason: "local part starts or ends with a dot",
                german: "der Teil vor dem @ beginnt oder endet mit einem Punkt")
        }
        if zip(bytes, bytes.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E }) {
            throw AddressError(
                reason: "local part has two dots in a row", german: "vor dem @ stehen zwei Punkte hintereinander")
        }
        for byte in bytes where !isAtext(byte) && byte != 0x2E {
            throw AddressError(
                reason: "local part contains '\(Character(Unicode.Scalar(byte)))'",
                german: "vor dem @ steht das Zeichen „\(Character(Unicode.Scalar(byte)))“")
        }
    }

    private static func checkedDomain(_ domain: String) throws(AddressError) -> String {
        try IDNA.toASCII(domain)
    }

    private static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        // ! # $ % & ' * + - / = ? ^ _ ` { | } ~
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E...0x60, 0x7B...0x7E: true
        default: false
        }
    }
}
