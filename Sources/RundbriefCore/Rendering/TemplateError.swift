/// A problem with the template directory or one template in it.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem was found.
    public enum Code: Sendable, Equatable {
        /// The template directory cannot be listed or a template file cannot be read.
        case unreadable
        /// A template has a Mustache syntax error.
        case syntax
        /// An edition names a template that the directory does not have (HTML or text variant).
        case unknownTemplate
    }

    /// What kind of problem this is.
    public var code: Code
    /// The template file (or directory) concerned.
    public var file: String
    /// The 1-based line of a syntax error.
    public var line: Int?
    /// The 1-based column of a syntax error.
    public var column: Int?
    /// What is wrong, for a human reader.
    public var reason: String

    public init(_ code: Code, file: String, line: Int? = nil, column: Int? = nil, reason: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        switch (line, column) {
        case (let line?, let column?): return "\(file):\(line):\(column): \(reason)"
        case (let line?, nil): return "\(file):\(line): \(reason)"
        default: return "\(file): \(reason)"
        }
    }
}
