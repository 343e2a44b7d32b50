/// A recursive-descent TOML 1.0 parser over Unicode scalars. Table rules live in ``TOMLDocument``;
/// strings in `TOMLParser+Strings.swift`, numbers and date-times in `TOMLParser+Scalars.swift`.
struct TOMLParser {
    let text: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0
    private var document = TOMLDocument()
    private var currentTable: [String] = []

    init(_ text: String) {
        self.text = Array(text.unicodeScalars)
    }

    var position: TOMLPosition { TOMLPosition(line: line, column: index - lineStart + 1) }
    var peek: Unicode.Scalar? { index < text.count ? text[index] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < text.count ? text[index + offset] : nil
    }

    func error(_ reason: String) -> TOMLError { position.error(reason) }

    mutating func parse() throws(TOMLError) -> TOMLTable {
        while let scalar = peek {
            switch scalar {
            case " ", "\t": index += 1
            case "#": try skipComment()
            case "\n", "\r": try consumeNewline()
            case "[":
                try parseHeader()
                try expectLineEnd()
            default:
                let start = position
                let key = try parseKey()
                let value = try parseAssignment()
                try document.insert(key, value, in: currentTable, at: start)
                try expectLineEnd()
            }
        }
        return document.root
    }

    // MARK: Lines, whitespace, comments

    mutating func skipWhitespace() {
        while let scalar = peek, scalar == " " || scalar == "\t" { index += 1 }
    }

    /// Skips whitespace, comments and newlines (inside arrays).
    mutating func skipBlank() throws(TOMLError) {
        while let scalar = peek {
            switch scalar {
            case " ", "\t": index += 1
            case "#": try skipComment()
            case "\n", "\r": try consumeNewline()
            default: return
            }
        }
    }

    mutating func skipComment() throws(TOMLError) {
        while let scalar = peek, scalar != "\n" {
            if scalar == "\r", peek(1) == "\n" { return }
            if Self.isControl(scalar) { throw error("control character in a comment") }
            index += 1
        }
    }

    /// Consumes LF or CRLF; a lone CR is not a TOML newline.
    mutating func consumeNewline() throws(TOMLError) {
        if peek == "\r" {
            guard peek(1) == "\n" else { throw error("carriage return without a line feed") }
            index += 1
        }
        index += 1
        line += 1
        lineStart = index
    }

    private mutating func expectLineEnd() throws(TOMLError) {
        skipWhitespace()
        if peek == "#" { try skipComment() }
        guard let scalar = peek else { return }
        guard scalar == "\n" || scalar == "\r" else { throw error("expected the end of the line") }
        try consumeNewline()
    }

    // MARK: Keys and headers

    private mutating func parseHeader() throws(TOMLError) {
        let start = position
        let isArray = peek(1) == "["
        index += isArray ? 2 : 1
        skipWhitespace()
        let path = try parseKey()
        guard peek == "]", !isArray || peek(1) == "]" else {
            throw error(isArray ? "expected ]] to close the table header" : "expected ] to close the table header")
        }
        index += isArray ? 2 : 1
        if isArray {
            try document.appendTable(path, at: start)
        } else {
            try document.defineTable(path, at: start)
        }
        currentTable = path
    }

    /// A dotted key: bare or quoted parts separated by dots, whitespace allowed around the dots.
    mutating func parseKey() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipWhitespace()
            parts.append(try parseSimpleKey())
            skipWhitespace()
            guard peek == "." else { return parts }
            index += 1
        }
    }

    private mutating func parseSimpleKey() throws(TOMLError) -> String {
        switch peek {
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" { throw error("a key cannot be a multi-line string") }
            return try parseBasicString()
        case "'":
            if peek(1) == "'", peek(2) == "'" { throw error("a key cannot be a multi-line string") }
            return try parseLiteralString()
        default:
            let start = index
            while let scalar = peek, Self.isBareKeyScalar(scalar) { index += 1 }
            guard index > start else { throw error("expected a key") }
            return String(String.UnicodeScalarView(text[start..<index]))
        }
    }

    private mutating func parseAssignment() throws(TOMLError) -> TOMLValue {
        skipWhitespace()
        guard peek == "=" else { throw error("expected = after the key") }
        index += 1
        skipWhitespace()
        return try parseValue()
    }

    // MARK: Values

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        switch peek {
        case nil, "\n", "\r", "#": throw error("expected a value")
        case "\"":
            return .string(
                peek(1) == "\"" && peek(2) == "\"" ? try parseMultilineBasicString() : try parseBasicString())
        case "'":
            return .string(
                peek(1) == "'" && peek(2) == "'" ? try parseMultilineLiteralString() : try parseLiteralString())
        case "[": return try parseArray()
        case "{": return try parseInlineTable()
        default: return try parseScalarValue()
        }
    }

    private mutating func parseArray() throws(TOMLError) -> TOMLValue {
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek == "]" { break }
            elements.append(try parseValue())
            try skipBlank()
            if peek == "," {
                index += 1
                continue
            }
            guard peek == "]" else { throw error("expected , or ] in the array") }
            break
        }
        index += 1
        return .array(elements)
    }

    private mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        index += 1
        var inner = TOMLDocument()
        skipWhitespace()
        if peek == "}" {
            index += 1
            return .table(inner.root)
        }
        while true {
            skipWhitespace()
            if peek == "}" { throw error("trailing comma in an inline table") }
            let start = position
            let key = try parseKey()
            let value = try parseAssignment()
            try inner.insert(key, value, in: [], at: start)
            skipWhitespace()
            switch peek {
            case ",": index += 1
            case "}":
                index += 1
                return .table(inner.root)
            case "\n", "\r": throw error("an inline table must be on one line")
            default: throw error("expected , or } in the inline table")
            }
        }
    }

    // MARK: Character classes

    static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    /// Control characters other than tab, which TOML forbids in comments and strings.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }
}
