/// An error raised while building a message: a header that cannot be written
/// safely, an address that is not a valid addr-spec, or malformed encoded input.
///
/// Descriptions name the header field and the reason, never the address or
/// value itself, so logs do not leak subscriber data.
public struct MIMEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// A header name is empty or contains characters outside RFC 5322 `ftext`.
        case invalidHeaderName
        /// A header value contains CR, LF or NUL (header injection).
        case forbiddenCharacterInHeader
        /// A structured header value contains non-ASCII or control characters.
        case nonASCIIStructuredHeader
        /// A header value has a token that cannot be folded below 998 octets.
        case headerLineTooLong
        /// An address is not a plain ASCII `local@domain`.
        case invalidAddress
        /// A Message-ID is not `local@domain` made of safe characters.
        case invalidMessageID
        /// Quoted-printable input is malformed.
        case malformedQuotedPrintable
        /// An RFC 2047 encoded word is malformed.
        case malformedEncodedWord
    }

    public let code: Code
    /// The header field or encoding the error is about, e.g. `"To"`.
    public let context: String
    /// A human-readable reason.
    public let reason: String

    public init(_ code: Code, context: String, reason: String) {
        self.code = code
        self.context = context
        self.reason = reason
    }

    public var description: String {
        "MIME error in \(context): \(reason)"
    }
}
