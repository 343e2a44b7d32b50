import Foundation

/// Reads a bounce mailbox over IMAP or POP3 through libcurl.
///
/// Every libcurl call blocks, so a session runs on its own thread, never on the Swift
/// concurrency pool: ``withSession(_:)`` starts the thread, runs the body there with one
/// connection, logs out, and resumes the caller.
public struct MailboxClient: Sendable {
    /// The mailbox and how to reach it: `imap[s]://host[:port]/MAILBOX` (defaults to `INBOX` when no
    /// mailbox is given) or `pop3[s]://host[:port]`, with TLS and login; `timeout` covers each command,
    /// including connecting when needed.
    public typealias Configuration = CurlSession

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
