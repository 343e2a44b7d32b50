/// An error of the send engine, with what an operator needs to act on it.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The edition of a send cannot be rendered (template or source problem).
        case cannotRender
        /// The configuration lacks something sending needs (token keys, sender address).
        case misconfigured
        /// A single message could not be built.
        case cannotCompose
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
