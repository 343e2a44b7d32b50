/// Splits a filter into tokens, each with its column.
struct SegmentLexer {
    enum Kind: Equatable {
        /// A field name or keyword, lower-cased.
        case word(String)
        /// A text in double quotes, unescaped.
        case text(String)
        case open, close, comma, equals, notEquals, end
    }

    struct Token: Equatable {
        var kind: Kind
        /// 1-based, in characters.
        var column: Int
        /// As written, for messages.
        var spelling: String
    }

    /// The words with a meaning of their own: an attribute with one of these names is written
    /// `attribute "in"`.
    static let keywords: Set<String> = [
        "and", "or", "not", "in", "has", "subscribed_before", "subscribed_after", "attribute",
    ]

    /// Whether `name` can be written bare: a letter or `_`, then letters, digits, `_`, `-` or `.`.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.first, isWordStart(first) else { return false }
        return name.dropFirst().allSatisfy(isWordCharacter)
    }

    static func isWordStart(_ character: Character) -> Bool { character.isLetter || character == "_" }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
    }

    /// Every token of `source`, ending with `.end`.
    /// - Throws: ``SegmentSyntaxError`` for an unclosed text, curly quotes or a stray character.
    static func tokens(_ source: String) throws(SegmentSyntaxError) -> [Token] {
        let characters = Array(source)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            switch character {
            case _ where character.isWhitespace:
                index += 1
            case "(", ")", ",", "=":
                let kind: Kind =
                    character == "(" ? .open : character == ")" ? .close : character == "," ? .comma : .equals
                tokens.append(Token(kind: kind, column: column, spelling: String(character)))
                index += 1
            case "!":
                guard index + 1 < characters.count, characters[index + 1] == "=" else {
                    throw SegmentSyntaxError(column: column, "'!' must be followed by '=' (write != for \"is not\")")
                }
                tokens.append(Token(kind: .notEquals, column: column, spelling: "!="))
                index += 2
            case "\"":
                var text = ""
                var cursor = index + 1
                while true {
                    guard cursor < characters.count else {
                        throw SegmentSyntaxError(column: column, "the text starting here has no closing double quote")
                    }
                    let next = characters[cursor]
                    if next == "\"" { break }
                    if next == "\\", cursor + 1 < characters.count {
                        cursor += 1
                    }
                    text.append(characters[cursor])
                    cursor += 1
                }
                tokens.append(
                    Token(kind: .text(text), column: column, spelling: String(characters[index...cursor])))
                index = cursor + 1
            case "„", "“", "”", "«", "»", "‚", "‘", "’", "'":
                throw SegmentSyntaxError(
                    column: column, "write texts in straight double quotes (\"Unna\"), not \(character)…\(character)")
            case _ where isWordStart(character):
                var cursor = index
                while cursor < characters.count, isWordCharacter(characters[cursor]) { cursor += 1 }
                let spelling = String(characters[index..<cursor])
                tokens.append(Token(kind: .word(spelling.lowercased()), column: column, spelling: spelling))
                index = cursor
            default:
                let hint =
                    character == "&" || character == "|"
                    ? "; combine conditions with and, or, not"
                    : character.isNumber ? "; put numbers in double quotes" : ""
                throw SegmentSyntaxError(column: column, "unexpected character '\(character)'\(hint)")
            }
        }
        tokens.append(Token(kind: .end, column: characters.count + 1, spelling: "the end"))
        return tokens
    }
}
