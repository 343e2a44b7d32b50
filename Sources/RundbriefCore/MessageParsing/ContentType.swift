/// A parsed Content-Type: lower-cased type and subtype, and parameters by lower-cased name.
public struct ContentType: Sendable, Equatable {
    public var type: String
    public var subtype: String
    public var parameters: [String: String]

    /// text/plain; charset=us-ascii, what RFC 2045 assumes when the header is missing.
    public static let plainText = ContentType(type: "text", subtype: "plain", parameters: [:])
    /// The default inside multipart/digest.
    public static let embeddedMessage = ContentType(
        type: "message", subtype: "rfc822", parameters: [:])

    public init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// "type/subtype", lower-cased.
    public var mimeType: String { "\(type)/\(subtype)" }

    /// Parses a header value leniently; a value without "type/subtype" yields `fallback`.
    public init(parsing value: String, fallback: ContentType = .plainText) {
        let bytes = Array(value.utf8)
        var cursor = 0
        let full = Self.token(bytes, &cursor, stoppingAt: [UInt8(ascii: ";")]).lowercased()
        let pieces = full.split(separator: "/", maxSplits: 1).map { $0.trimmingBlanks() }
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
            self = fallback
            self.parameters = Self.parameters(bytes, from: cursor)
            return
        }
        self.init(type: pieces[0], subtype: pieces[1], parameters: Self.parameters(bytes, from: cursor))
    }

    private static func parameters(_ bytes: [UInt8], from start: Int) -> [String: String] {
        var result: [String: String] = [:]
        var cursor = start
        while cursor < bytes.count, result.count < 64 {
            cursor += 1  // the ";" that ended the previous token
            let name = token(bytes, &cursor, stoppingAt: [UInt8(ascii: "="), UInt8(ascii: ";")])
                .lowercased()
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { continue }
            cursor += 1
            let value = token(bytes, &cursor, stoppingAt: [UInt8(ascii: ";")])
            var key = name.trimmingBlanks()
            // RFC 2231 continuations and charset tags: keep the first section's text.
            if let star = key.firstIndex(of: "*") { key = String(key[..<star]) }
            if !key.isEmpty, result[key] == nil { result[key] = value }
        }
        return result
    }

    /// Reads up to an unquoted stop byte; quoted strings are unquoted and unescaped.
    private static func token(_ bytes: [UInt8], _ cursor: inout Int, stoppingAt stops: [UInt8])
        -> String
    {
        var output: [UInt8] = []
        var quoted = false
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if quoted {
                if byte == UInt8(ascii: "\\"), cursor + 1 < bytes.count {
                    cursor += 1
                    output.append(bytes[cursor])
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                } else {
                    output.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if stops.contains(byte) {
                break
            } else {
                output.append(byte)
            }
            cursor += 1
        }
        return ByteText.string(ByteText.trimmed(output[...]))
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks and line breaks.
    func trimmingBlanks() -> String {
        ByteText.string(ByteText.trimmed(Array(utf8)[...]))
    }
}
