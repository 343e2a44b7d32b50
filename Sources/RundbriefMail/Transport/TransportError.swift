/// A transport or mailbox client could not be set up or used.
///
/// Descriptions name the option or file involved and libcurl's reason, never a password.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  public enum Code: String, Sendable, Hashable {
    /// libcurl could not be initialised or could not create a handle.
    case curlUnavailable
    /// libcurl refused an option (unsupported protocol, feature missing in this build).
    case invalidOption
    /// The configuration cannot work (bad URL scheme, concurrency below 1).
    case invalidConfiguration
    /// A mailbox operation failed (login, fetch, delete, move).
    case mailboxFailed
    /// The transport was shut down.
    case shutDown
  }

  /// What went wrong.
  public var code: Code
  /// The reason, for a human: the option or command and libcurl's or the server's explanation.
  public var reason: String

  /// Creates an error.
  public init(_ code: Code, _ reason: String) {
    self.code = code
    self.reason = reason
  }

  /// `invalidOption: CURLOPT_CAINFO: Problem with the SSL CA cert`
  public var description: String { "\(code.rawValue): \(reason)" }
}
