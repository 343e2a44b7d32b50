import Foundation

/// Domain names with international labels (IDNA2008, RFC 5890–5892), in the subset a newsletter needs:
/// Unicode labels are NFC-normalised, lower-cased, checked, and spelled as `xn--` A-labels.
///
/// The full IDNA2008 tables (contextual rules, bidi) are not reproduced; labels are restricted
/// to letters, marks and digits, which rejects the symbols and punctuation that phishing relies on.
public enum IDNA {
    /// The longest label in octets (RFC 1035).
    public static let maxLabelLength = 63
    /// The longest domain name in octets, without a trailing dot.
    public static let maxDomainLength = 253

    /// Converts a domain to lower-case ASCII, turning Unicode labels into `xn--` A-labels.
    /// - Throws: `AddressError` naming the first rule the domain breaks.
    public static func toASCII(_ domain: String) throws(AddressError) -> String {
        // Most domains are ASCII, where NFC and the dot mapping change nothing: skip the Unicode work.
        let normalized =
            domain.utf8.allSatisfy { $0 < 0x80 }
            ? domain
            : String(
                String.UnicodeScalarView(
                    domain.precomposedStringWithCanonicalMapping.unicodeScalars.map(mapDot)))
        if normalized.isEmpty { throw AddressError(reason: "nothing after @", german: "nach dem @ steht nichts") }
        if normalized.hasSuffix(".") {
            throw AddressError(reason: "domain ends with a dot", german: "die Domain endet mit einem Punkt")
        }
        if normalized.hasPrefix(".") {
            throw AddressError(reason: "domain starts with a dot", german: "die Domain beginnt mit einem Punkt")
        }
        let labels = normalized.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count < 2 { throw AddressError(reason: "domain has no dot", german: "die Domain hat keinen Punkt") }
        var ascii: [String] = []
        for label in labels {
            ascii.append(try asciiLabel(String(label)))
        }
        if let tld = ascii.last, tld.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw AddressError(
                reason: "top-level domain is all digits", german: "die Endung der Domain besteht nur aus Ziffern")
        }
        let result = ascii.joined(separator: ".")
        if result.utf8.count > maxDomainLength {
            throw AddressError(
                reason: "domain longer than \(maxDomainLength) characters",
                german: "die Domain ist länger als \(maxDomainLength) Zeichen")
        }
        return result
    }

    /// Converts an ASCII domain to its display form, decoding `xn--` labels.
    /// Labels that do not decode are kept as they are.
    public static func toUnicode(_ domain: String) -> String {
        domain.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            let lower = label.lowercased()
            guard lower.hasPrefix("xn--"), let decoded = Punycode.decode(String(lower.dropFirst(4)))
            else {
                return String(label)
            }
            return decoded
        }.joined(separator: ".")
    }

    /// UTS 46 maps the ideographic and full-width full stops to ".", as people type them on CJK keyboards.
    private static func mapDot(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x3002, 0xFF0E, 0xFF61: "."
        default: scalar
        }
    }

    private static func asciiLabel(_ label: String) throws(AddressError) -> String {
        if label.isEmpty {
            throw AddressError(
                reason: "domain has an empty label (two dots in a row)",
                german: "in der Domain stehen zwei Punkte hintereinander")
        }
        if label.unicodeScalars.allSatisfy(\.isASCII) {
            return try checkedASCIILabel(label.lowercased())
        }
        let unicode = label.lowercased().precomposedStringWithCanonicalMapping
        try checkUnicodeLabel(unicode)
        guard let encoded = Punycode.encode(unicode) else {
            throw AddressError(
                reason: "domain label cannot be encoded", german: "ein Teil der Domain lässt sich nicht umwandeln")
        }
        return try checkedLength("xn--" + encoded)
    }

    private static func checkedASCIILabel(_ label: String) throws(AddressError) -> String {
        let bytes = Array(label.utf8)
        for byte in bytes where !isLDH(byte) {
            throw AddressError(
                reason: "domain contains \(describe(byte)) (only letters, digits, hyphens and dots)",
                german:
                    "die Domain enthält \(describeGerman(byte)) (erlaubt sind Buchstaben, Ziffern, Bindestriche und Punkte)"
            )
        }
        if bytes.first == 0x2D || bytes.last == 0x2D {
            throw AddressError(
                reason: "domain label starts or ends with a hyphen",
                german: "ein Teil der Domain beginnt oder endet mit einem Bindestrich")
        }
        if bytes.count >= 4, bytes[2] == 0x2D, bytes[3] == 0x2D {
            guard label.hasPrefix("xn--") else {
                throw AddressError(
                    reason: "domain label has '--' in positions 3 and 4 (reserved)",
                    german: "ein Teil der Domain hat „--“ an dritter und vierter Stelle (reserviert)")
            }
            try checkALabel(label)
        }
        return try checkedLength(label)
    }

    /// An `xn--` label typed as such must be the exact encoding of a valid Unicode label.
    private static func checkALabel(_ label: String) throws(AddressError) {
        let invalid = AddressError(
            reason: "domain label '\(label)' is not a valid international name",
            german: "„\(label)“ ist kein gültiger internationaler Domainname")
        guard let decoded = Punycode.decode(String(label.dropFirst(4))),
            !decoded.unicodeScalars.allSatisfy(\.isASCII),
            // String equality is canonical equivalence, so compare scalars to insist on NFC.
            decoded.unicodeScalars.elementsEqual(
                decoded.lowercased().precomposedStringWithCanonicalMapping.unicodeScalars),
            Punycode.encode(decoded).map({ "xn--" + $0 }) == label
        else { throw invalid }
        do { try checkUnicodeLabel(decoded) } catch { throw invalid }
    }

    private static func checkUnicodeLabel(_ label: String) throws(AddressError) {
        guard let first = label.unicodeScalars.first else { return }
        if isMark(first) {
            throw AddressError(
                reason: "domain label starts with a combining mark",
                german: "ein Teil der Domain beginnt mit einem Kombinationszeichen")
        }
        if label.hasPrefix("-") || label.hasSuffix("-") {
            throw AddressError(
                reason: "domain label starts or ends with a hyphen",
                german: "ein Teil der Domain beginnt oder endet mit einem Bindestrich")
        }
        for scalar in label.unicodeScalars where !isAllowed(scalar) {
            throw AddressError(
                reason: "domain contains a character not allowed in domain names",
                german: "die Domain enthält ein Zeichen, das in Domainnamen nicht erlaubt ist")
        }
    }

    private static func checkedLength(_ label: String) throws(AddressError) -> String {
        if label.utf8.count > maxLabelLength {
            throw AddressError(
                reason: "domain label longer than \(maxLabelLength) characters",
                german: "ein Teil der Domain ist länger als \(maxLabelLength) Zeichen")
        }
        return label
    }

    private static func isLDH(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
    }

    /// IDNA2008's "LetterDigits" categories (RFC 5892 section 2.1), plus ASCII LDH.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isLDH(UInt8(scalar.value)) }
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark,
            .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "a control character"
    }

    private static func describeGerman(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "„\(Character(Unicode.Scalar(byte)))“" : "ein Steuerzeichen"
    }
}
