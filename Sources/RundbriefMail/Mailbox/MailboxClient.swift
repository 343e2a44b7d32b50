import Foundation

/// Reads a bounce mailbox over IMAP or POP3 through libcurl.
///
/// Every libcurl call blocks, so a session runs on its own thread, never on the Swift
/// concurrency pool: ``withSession(_:)`` starts the thread, runs the body there with one
/// connection, logs out, and resumes the caller.
public struct MailboxClient: Sendable {
  /// The mailbox and how to reach it.
  public struct Configuration: Sendable, CustomStringConvertible {
    /// `imap[s]://host[:port]/MAILBOX` (defaults to `INBOX` when no mailbox is given) or `pop3[s]://host[:port]`.
    public var url: String
    /// The login name.
    public var username: String?
    /// The password; never logged, never part of ``description``.
    public var password: String?
    /// The STARTTLS policy for the plain schemes.
    public var startTLS: StartTLSPolicy
    /// A PEM file of CA certificates to trust instead of the system store.
    public var caFile: String?
    /// Verify the server's certificate and host name. Turn off only for tests.
    public var verifyPeer: Bool
    /// Time allowed for each command, including connecting when needed.
    public var timeout: Duration

    /// Creates a configuration; only `url` has no default.
    public init(
      url: String,
      username: String? = nil,
      password: String? = nil,
      startTLS: StartTLSPolicy = .required,
      caFile: String? = nil,
      verifyPeer: Bool = true,
      timeout: Duration = .seconds(60)
    ) {
      self.url = url
      self.username = username
      self.password = password
      self.startTLS = startTLS
      self.caFile = caFile
      self.verifyPeer = verifyPeer
      self.timeout = timeout
    }

    /// The configuration with the password redacted.
    public var description: String {
      "url=\(url) user=\(username ?? "-") password=\(password == nil ? "-" : "***") starttls=\(startTLS.rawValue)"
    }
  }

  /// The mailbox and how to reach it.
  public let configuration: Configuration

  /// Creates a client; nothing connects until ``withSession(_:)``.
  /// - Throws: ``TransportError`` (`.invalidConfiguration`) when the URL is not IMAP or POP3.
  public init(configuration: Configuration) throws(TransportError) {
    _ = try MailboxProtocol(url: configuration.url)
    self.configuration = configuration
  }

  /// Runs `body` with one logged-in connection on a dedicated thread.
  ///
  /// The connection is closed when `body` returns; for POP3 that QUIT is what commits deletions.
  /// - Throws: ``TransportError`` from the session, or whatever `body` throws.
  public func withSession<Result: Sendable>(
    _ body: @escaping @Sendable (MailboxSession) throws -> Result
  ) async throws -> Result {
    let configuration = configuration
    return try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(
          with: Swift.Result {
            let session = try MailboxSession(configuration: configuration)
            return try body(session)
          }
        )
      }
      thread.name = "rundbrief-mailbox"
      thread.start()
    }
  }
}
