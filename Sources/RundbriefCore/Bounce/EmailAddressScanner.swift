/// Finds and normalises email addresses in free text and header values.
///
/// Scans outward from each "@" with bounded local-part and domain lengths, so the
/// work per "@" is constant and the whole scan stays linear.
enum EmailAddressScanner {
    /// An address found in text, with where it started (for "MAIL FROM:" checks).
    struct Match {
        var address: String
        var start: Int
        var end: Int
    }

    static func matches(in bytes: ArraySlice<UInt8>) -> [Match] {
        var result: [Match] = []
        var index = bytes.startIndex
        var resumeAt = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "@"), index >= resumeAt,
                let match = match(around: index, in: bytes, floor: resumeAt)
            {
                result.append(match)
                resumeAt = match.end
                index = match.end
                continue
            }
            index += 1
        }
        return result
    }

    static func addresses(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        return matches(in: bytes[...]).map(\.address)
    }

    /// The first address in a header-ish value such as "rfc822; <a@b.example>" or "Name <a@b>".
    static func firstAddress(in text: String) -> String? {
        addresses(in: text).first
    }

    private static func isLocalByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~.".utf8.contains(byte) || byte >= 0x80
        }
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
            true
        default: byte >= 0x80
        }
    }

    private static func match(around at: Int, in bytes: ArraySlice<UInt8>, floor: Int) -> Match? {
        var start = at
        let localFloor = max(floor, at - 64)
        while start > localFloor, isLocalByte(bytes[start - 1]) { start -= 1 }
        var end = at + 1
        let domainLimit = min(bytes.endIndex, at + 1 + 255)
        while end < domainLimit, isDomainByte(bytes[end]) { end += 1 }
        // Quotes and brackets around an address are not part of it; nor are trailing dots.
        while start < at,
            bytes[start] == UInt8(ascii: "'") || bytes[start] == UInt8(ascii: ".")
                || bytes[start] == UInt8(ascii: "=")
        {
            start += 1
        }
        while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") {
            end -= 1
        }
        start = withoutTypePrefix(bytes, start: start, at: at)
        guard start < at, end > at + 1 else { return nil }
        let local = bytes[start..<at]
        let domain = bytes[(at + 1)..<end]
        guard domain.contains(UInt8(ascii: ".")) || isLocalhostish(domain) else { return nil }
        guard local.last != UInt8(ascii: "."), domain.first != UInt8(ascii: ".") else { return nil }
        // "user@host...user" is a mangled text, not an address.
        guard !ByteText.contains(Array("..".utf8), in: domain) else { return nil }
        let text = ByteText.string(local) + "@" + ByteText.string(domain).lowercased()
        return Match(address: text, start: start, end: end)
    }

    /// Exchange and some gateways write "smtp=user@host" or "rfc822=user@host": the
    /// address type is no part of the local part.
    private static func withoutTypePrefix(_ bytes: ArraySlice<UInt8>, start: Int, at: Int) -> Int {
        guard let equals = bytes[start..<at].firstIndex(of: UInt8(ascii: "=")) else { return start }
        let type = ByteText.lowercased(bytes[start..<equals])
        return typePrefixes.contains(type) ? equals + 1 : start
    }

    private static let typePrefixes: Set<[UInt8]> = [Array("smtp".utf8), Array("rfc822".utf8), Array("mailto".utf8)]

    private static func isLocalhostish(_ domain: ArraySlice<UInt8>) -> Bool {
        ByteText.lowercased(domain) == Array("localhost".utf8)
    }

    /// Normalises an address written in a report field: strips "rfc822;", "<>",
    /// quotes and trailing punctuation, lower-cases the domain.
    static func normalize(_ raw: String) -> String? {
        var text = Substring(raw.trimmingBlanks())
        if let semicolon = text.firstIndex(of: ";"),
            text[..<semicolon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
        {
            text = text[text.index(after: semicolon)...]
        }
        return firstAddress(in: String(text))
    }
}
