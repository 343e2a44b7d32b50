/// Reads the segment filter language into a ``SegmentExpression``.
///
/// ```
/// expression := term ("or" term)*
/// term       := factor ("and" factor)*
/// factor     := "not" factor | "(" expression ")" | condition
/// condition  := field ("=" | "!=") TEXT | field ["not"] "in" "(" TEXT ("," TEXT)* ")"
///             | "has" field | ("subscribed_before" | "subscribed_after") DATE
/// field      := "email" | "name" | "domain" | NAME | "attribute" TEXT
/// ```
/// Keywords and field names ignore case; texts are in double quotes (`\"` and `\\` inside).
public struct SegmentParser {
    /// Longer filters are refused (they would also exceed SQLite's statement limits).
    public static let maximumLength = 10_000
    static let maximumDepth = 64

    private let tokens: [SegmentLexer.Token]
    private var position = 0
    private var depth = 0

    private init(tokens: [SegmentLexer.Token]) {
        self.tokens = tokens
    }

    /// Parses `source`.
    /// - Throws: ``SegmentSyntaxError`` naming the column of the first mistake and what was expected.
    public static func parse(_ source: String) throws(SegmentSyntaxError) -> SegmentExpression {
        guard source.count <= maximumLength else {
            throw SegmentSyntaxError(column: maximumLength + 1, "the filter is longer than \(maximumLength) characters")
        }
        var parser = SegmentParser(tokens: try SegmentLexer.tokens(source))
        if parser.current.kind == .end {
            throw SegmentSyntaxError(column: 1, "the filter is empty; write a condition such as kommune = \"Unna\"")
        }
        let expression = try parser.expression()
        guard parser.current.kind == .end else {
            throw parser.expected("and, or or the end of the filter")
        }
        return expression
    }

    private var current: SegmentLexer.Token { tokens[position] }

    private mutating func advance() -> SegmentLexer.Token {
        defer { position = min(position + 1, tokens.count - 1) }
        return current
    }

    private func isWord(_ word: String) -> Bool { current.kind == .word(word) }

    private func expected(_ what: String) -> SegmentSyntaxError {
        SegmentSyntaxError(column: current.column, "expected \(what) (found \(current.spelling))")
    }

    private mutating func expression() throws(SegmentSyntaxError) -> SegmentExpression {
        var result = try term()
        while isWord("or") {
            _ = advance()
            result = .or(result, try term())
        }
        return result
    }

    private mutating func term() throws(SegmentSyntaxError) -> SegmentExpression {
        var result = try factor()
        while isWord("and") {
            _ = advance()
            result = .and(result, try factor())
        }
        return result
    }

    private mutating func factor() throws(SegmentSyntaxError) -> SegmentExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw SegmentSyntaxError(column: current.column, "the filter is nested too deeply")
        }
        if isWord("not") {
            _ = advance()
            return .not(try factor())
        }
        if current.kind == .open {
            let open = advance()
            let inner = try expression()
            guard current.kind == .close else {
                throw expected("')' to close the '(' at column \(open.column)")
            }
            _ = advance()
            return inner
        }
        return try condition()
    }

    private mutating func condition() throws(SegmentSyntaxError) -> SegmentExpression {
        if isWord("has") {
            _ = advance()
            return .has(try field(after: "has"))
        }
        for word in ["subscribed_before", "subscribed_after"] where isWord(word) {
            _ = advance()
            let token = current
            let text = try text(after: word)
            guard let time = SegmentTime(text) else {
                throw SegmentSyntaxError(
                    column: token.column,
                    "expected a date as \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" after \(word) (found \(token.spelling))")
            }
            return word == "subscribed_before" ? .subscribedBefore(time) : .subscribedAfter(time)
        }
        let field = try field(after: nil)
        let name = field.description
        switch current.kind {
        case .equals:
            _ = advance()
            return .equals(field, try text(after: "="))
        case .notEquals:
            _ = advance()
            return .notEquals(field, try text(after: "!="))
        case .word("in"):
            _ = advance()
            return .isIn(field, try textList())
        case .word("not"):
            _ = advance()
            guard isWord("in") else { throw expected("in after \(name) not") }
            _ = advance()
            return .not(.isIn(field, try textList()))
        default:
            throw expected("=, !=, in or not in after \(name)")
        }
    }

    private mutating func field(after keyword: String?) throws(SegmentSyntaxError) -> SegmentField {
        let token = current
        guard case .word(let word) = token.kind else {
            if case .text(let text) = token.kind {
                throw SegmentSyntaxError(
                    column: token.column,
                    "expected a field name (found \(token.spelling)); field names are not quoted: write \(text.lowercased()) = \"…\""
                )
            }
            throw expected(keyword.map { "a field name after \($0)" } ?? "a condition such as kommune = \"Unna\"")
        }
        if word == "attribute" {
            _ = advance()
            let nameToken = current
            let name = try text(after: "attribute").lowercased()
            guard !name.isEmpty, !name.contains("\""), !name.unicodeScalars.contains(where: { $0.value < 0x20 })
            else {
                throw SegmentSyntaxError(
                    column: nameToken.column, "an attribute name cannot be empty or contain \" or control characters")
            }
            return .attribute(name)
        }
        if SegmentLexer.keywords.contains(word) {
            throw SegmentSyntaxError(
                column: token.column,
                "expected a field name\(keyword.map { " after \($0)" } ?? "") (found the keyword \(token.spelling); an attribute with this name is written attribute \"\(word)\")"
            )
        }
        _ = advance()
        return SegmentField.builtIn[word] ?? .attribute(word)
    }

    private mutating func text(after keyword: String) throws(SegmentSyntaxError) -> String {
        guard case .text(let text) = current.kind else {
            if case .word = current.kind {
                throw SegmentSyntaxError(
                    column: current.column,
                    "expected a text in double quotes after \(keyword) (found \(current.spelling)); write \"\(current.spelling)\""
                )
            }
            throw expected("a text in double quotes after \(keyword)")
        }
        _ = advance()
        return text
    }

    private mutating func textList() throws(SegmentSyntaxError) -> [String] {
        guard current.kind == .open else {
            throw expected("'(' and a list of texts after in, as in (\"Unna\", \"Soest\")")
        }
        let open = advance()
        var values = [try text(after: "(")]
        while current.kind == .comma {
            _ = advance()
            values.append(try text(after: ","))
        }
        guard current.kind == .close else { throw expected("',' or ')' to close the '(' at column \(open.column)") }
        _ = advance()
        return values
    }
}
