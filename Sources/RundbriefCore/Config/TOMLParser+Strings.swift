/// TOML's four kinds of string.
extension TOMLParser {
    /// `"..."` with escapes, on one line.
    mutating func parseBasicString() throws(TOMLError) -> String {
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw error("unterminated string") }
            switch scalar {
            case "\"":
                index += 1
                return String(result)
            case "\\":
                result.append(try parseEscape())
            case "\n", "\r":
                throw error("unterminated string (use \"\"\" for a string over several lines)")
            default:
                if Self.isControl(scalar) { throw error("control character in a string (escape it)") }
                result.append(scalar)
                index += 1
            }
        }
    }

    /// `"""..."""`: a newline right after the opening quotes is dropped; a backslash at the end of a
    /// line removes it and the whitespace that follows.
    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        index += 3
        try skipOpeningNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw error("unterminated multi-line string") }
            switch scalar {
            case "\"":
                if let quotes = try closingQuotes("\"") {
                    result.append(contentsOf: repeatElement("\"", count: quotes))
                    return String(result)
                }
                result.append(scalar)
                index += 1
            case "\\":
                if try skipLineEndingBackslash() { continue }
                result.append(try parseEscape())
            case "\n", "\r":
                try appendNewline(to: &result)
            default:
                if Self.isControl(scalar) { throw error("control character in a string (escape it)") }
                result.append(scalar)
                index += 1
            }
        }
    }

    /// `'...'`: no escapes, one line.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw error("unterminated string") }
            switch scalar {
            case "'":
                index += 1
                return String(result)
            case "\n", "\r":
                throw error("unterminated string (use ''' for a string over several lines)")
            default:
                if Self.isControl(scalar) { throw error("control character in a string") }
                result.append(scalar)
                index += 1
            }
        }
    }

    /// `'''...'''`: no escapes, newlines kept (except one right after the opening quotes).
    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        index += 3
        try skipOpeningNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let scalar = peek else { throw error("unterminated multi-line string") }
            switch scalar {
            case "'":
                if let quotes = try closingQuotes("'") {
                    result.append(contentsOf: repeatElement("'", count: quotes))
                    return String(result)
                }
                result.append(scalar)
                index += 1
            case "\n", "\r":
                try appendNewline(to: &result)
            default:
                if Self.isControl(scalar) { throw error("control character in a string") }
                result.append(scalar)
                index += 1
            }
        }
    }

    private mutating func skipOpeningNewline() throws(TOMLError) {
        if peek == "\n" || (peek == "\r" && peek(1) == "\n") { try consumeNewline() }
    }

    private mutating func appendNewline(to result: inout String.UnicodeScalarView) throws(TOMLError) {
        let crlf = peek == "\r"
        try consumeNewline()
        if crlf { result.append("\r") }
        result.append("\n")
    }

    /// At a quote inside a multi-line string: if three or more quotes follow, the string closes and
    /// the result is how many of them (at most two) belong to the content; `nil` if it does not close.
    private mutating func closingQuotes(_ quote: Unicode.Scalar) throws(TOMLError) -> Int? {
        var count = 0
        while peek(count) == quote { count += 1 }
        guard count >= 3 else { return nil }
        if count > 5 { throw error("too many quotes in a row in a multi-line string") }
        index += count
        return count - 3
    }

    /// A backslash followed by optional whitespace and a newline: skips it all. `false` otherwise.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var offset = 1
        while let scalar = peek(offset), scalar == " " || scalar == "\t" { offset += 1 }
        guard peek(offset) == "\n" || (peek(offset) == "\r" && peek(offset + 1) == "\n") else {
            return false
        }
        index += offset
        while let scalar = peek, [" ", "\t", "\n", "\r"].contains(scalar) {
            if scalar == "\n" || scalar == "\r" { try consumeNewline() } else { index += 1 }
        }
        return true
    }

    private mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        let start = position
        index += 1
        guard let scalar = peek else { throw start.error("unterminated escape sequence") }
        index += 1
        switch scalar {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u": return try parseUnicodeEscape(digits: 4, start: start)
        case "U": return try parseUnicodeEscape(digits: 8, start: start)
        default: throw start.error("unknown escape sequence \\\(Character(scalar))")
        }
    }

    private mutating func parseUnicodeEscape(digits: Int, start: TOMLPosition) throws(TOMLError)
        -> Unicode.Scalar
    {
        let hex = String(String.UnicodeScalarView(text[index..<min(index + digits, text.count)]))
        guard hex.unicodeScalars.count == digits, hex.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit),
            let value = UInt32(hex, radix: 16)
        else {
            throw start.error("\\u and \\U escapes need \(digits) hexadecimal digits")
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw start.error("escape \\\(digits == 4 ? "u" : "U")\(hex) is not a Unicode scalar value")
        }
        index += digits
        return scalar
    }
}
