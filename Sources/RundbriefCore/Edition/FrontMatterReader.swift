import Yams

/// Takes typed values out of parsed front matter, turning each problem into an `EditionError`.
struct FrontMatterReader {
    private var entries: [String: FrontMatter.Entry]
    private let file: String
    private let closingLine: Int
    /// Lines of the keys already taken, for errors found after taking them.
    private var lines: [String: Int] = [:]

    init(frontMatter: FrontMatter, file: String) {
        entries = frontMatter.entries
        self.file = file
        closingLine = frontMatter.bodyLine - 1
    }

    /// A single-line text for a mail header: no CR, LF or other control characters.
    mutating func headerText(_ key: String, required: Bool) throws(EditionError) -> String {
        guard let text = try optionalText(key), !text.isEmpty else {
            if required { throw missing(key) }
            return ""
        }
        if let bad = text.unicodeScalars.first(where: Self.isForbiddenInHeader) {
            let what =
                bad == "\r" || bad == "\n" ? "a line break" : "the control character U+\(Self.hex(bad))"
            throw EditionError(
                .invalidHeaderText, file: file, line: line(of: key),
                reason: "'\(key)' contains \(what); it must be a single line of text")
        }
        return text
    }

    /// A slug: lowercase letters, digits, '-' and '_'.
    mutating func slug(_ key: String, default fallback: String?) throws(EditionError) -> String {
        guard let text = try optionalText(key), !text.isEmpty else {
            guard let fallback else { throw missing(key) }
            return fallback
        }
        guard text.unicodeScalars.allSatisfy(Self.isSlugCharacter) else {
            throw EditionError(
                .invalidKeyType, file: file, line: line(of: key),
                reason: "'\(key)' must be a slug (lowercase letters, digits, '-', '_'), got \"\(text)\"")
        }
        return text
    }

    /// A scalar value as text; `nil` when absent or null.
    mutating func optionalText(_ key: String) throws(EditionError) -> String? {
        guard let entry = entries.removeValue(forKey: key) else { return nil }
        guard let scalar = entry.node.scalar else {
            throw EditionError(
                .invalidKeyType, file: file, line: entry.line,
                reason: "'\(key)' must be text, not a list or mapping")
        }
        if entry.value == .null { return nil }
        lines[key] = entry.line
        return scalar.string
    }

    mutating func bool(_ key: String, default fallback: Bool) throws(EditionError) -> Bool {
        guard let entry = entries.removeValue(forKey: key) else { return fallback }
        switch entry.value {
        case .bool(let value): return value
        case .null: return fallback
        default:
            throw EditionError(
                .invalidKeyType, file: file, line: entry.line,
                reason: "'\(key)' must be true or false")
        }
    }

    /// A mapping of keys to values (`meta:`); empty when absent.
    mutating func mapping(_ key: String) throws(EditionError) -> [String: FrontMatterValue] {
        guard let entry = entries.removeValue(forKey: key) else { return [:] }
        switch entry.value {
        case .map(let values): return values
        case .null: return [:]
        default:
            throw EditionError(
                .invalidKeyType, file: file, line: entry.line,
                reason: "'\(key)' must be a mapping of keys to values (indented lines 'key: value' below it)")
        }
    }

    /// The keys nobody asked for, kept as they are.
    func remaining() -> [String: FrontMatterValue] {
        entries.mapValues(\.value)
    }

    private func line(of key: String) -> Int? {
        lines[key]
    }

    private func missing(_ key: String) -> EditionError {
        EditionError(
            .missingKey, file: file, line: closingLine,
            reason: "the front matter has no '\(key)' (required)")
    }

    private static func isSlugCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
    }

    private static func isForbiddenInHeader(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
