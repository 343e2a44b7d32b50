/// Booleans, numbers and date-times: read as one token, then classified.
extension TOMLParser {
    mutating func parseScalarValue() throws(TOMLError) -> TOMLValue {
        let start = position
        var token = readToken()
        // A date and a time may be separated by a space ("1979-05-27 07:32:00Z").
        if TOMLDateTime.isDate(token), peek == " ", let digit = peek(1),
            digit.properties.numericType != nil,
            peek(3) == ":"
        {
            index += 1
            token += " " + readToken()
        }
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if TOMLDateTime.looksLikeDateTime(token) {
            guard TOMLDateTime.isValid(token) else { throw start.error("invalid date-time \(token)") }
            return .datetime(token)
        }
        return try TOMLNumber.parse(token, at: start)
    }

    private mutating func readToken() -> String {
        let begin = index
        while let scalar = peek, Self.isTokenScalar(scalar) { index += 1 }
        return String(String.UnicodeScalarView(text[begin..<index]))
    }

    private static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "+", "-", ".", ":": true
        default: false
        }
    }
}

/// TOML integers and floats.
enum TOMLNumber {
    static func parse(_ token: String, at position: TOMLPosition) throws(TOMLError) -> TOMLValue {
        if token.isEmpty { throw position.error("expected a value") }
        let invalid = position.error("invalid value \(token) (strings need quotes)")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where token.hasPrefix(prefix) {
            let digits = String(token.dropFirst(2))
            guard validDigits(digits, radix: radix),
                let value = Int64(digits.replacing("_", with: ""), radix: radix)
            else {
                throw validDigits(digits, radix: radix)
                    ? position.error("integer \(token) is too large") : invalid
            }
            return .integer(value)
        }
        var body = Substring(token)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let isFloat = body.contains { $0 == "." || $0 == "e" || $0 == "E" }
        guard isFloat ? validFloat(body) : validDecimal(body) else { throw invalid }
        let plain = token.replacing("_", with: "")
        if isFloat {
            guard let value = Double(plain) else { throw invalid }
            return .float(value)
        }
        guard let value = Int64(plain) else { throw position.error("integer \(token) is too large") }
        return .integer(value)
    }

    /// Digits in `radix`, with single underscores only between digits.
    static func validDigits(_ digits: some StringProtocol, radix: Int) -> Bool {
        guard let first = digits.first, let last = digits.last, first != "_", last != "_",
            !digits.contains("__")
        else { return false }
        return digits.allSatisfy { $0 == "_" || ($0.hexDigitValue.map { $0 < radix } ?? false) }
    }

    /// A decimal integer without leading zeros.
    private static func validDecimal(_ digits: Substring) -> Bool {
        validDigits(digits, radix: 10) && (digits == "0" || digits.first != "0")
    }

    /// integer part, then `.digits` and/or an exponent.
    private static func validFloat(_ text: Substring) -> Bool {
        let exponentSplit = text.split(omittingEmptySubsequences: false) { $0 == "e" || $0 == "E" }
        guard exponentSplit.count <= 2 else { return false }
        let mantissa = exponentSplit[0]
        if exponentSplit.count == 2 {
            var exponent = exponentSplit[1]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard validDigits(exponent, radix: 10) else { return false }
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, validDecimal(parts[0]) else { return false }
        return parts.count == 1 || validDigits(parts[1], radix: 10)
    }
}
