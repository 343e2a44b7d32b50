/// An error of the subscriber web's setup (templates, keys), with what an operator needs to fix it.
///
/// Request-level problems never surface as `WebError`: they become pages with a status code.
public struct WebError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// A page or mail template is missing or does not parse.
        case templates
        /// The mail relay did not accept a transactional mail.
        case mail
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
