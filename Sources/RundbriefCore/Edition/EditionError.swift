/// A problem with an edition source file: which file, where (when known), and what is wrong.
public struct EditionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem was found; tests and callers match on it.
    public enum Code: Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// The file is not valid UTF-8.
        case invalidUTF8
        /// The file does not start with a `---` front matter block, or the block is not closed.
        case missingFrontMatter
        /// The front matter is not valid YAML, or not a mapping of keys to values.
        case invalidFrontMatter
        /// A required key is absent or empty.
        case missingKey
        /// A key holds a value of the wrong type (e.g. a list where text is expected).
        case invalidKeyType
        /// A header value (subject, preheader) contains a line break or control character.
        case invalidHeaderText
        /// The front matter has a key Rundbrief does not know (a typo such as `preheder`).
        case unknownKey
        /// The subject or body names a variable that is not a subscriber variable (`{{nmae}}`).
        case unknownVariable
        /// A tag is malformed, unsupported in editions, or a section is not closed as it was opened.
        case invalidVariable
        /// `from` is not an address, or not one the configuration allows.
        case invalidFrom
    }

    /// What kind of problem this is.
    public var code: Code
    /// The file name (or path) the edition came from.
    public var file: String
    /// The 1-based line in the file, when known.
    public var line: Int?
    /// What is wrong, for a human reader.
    public var reason: String

    /// Creates an error; `line` is 1-based and counts from the top of the file.
    public init(_ code: Code, file: String, line: Int? = nil, reason: String) {
        self.code = code
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line {
            return "\(file):\(line): \(reason)"
        }
        return "\(file): \(reason)"
    }
}
