/// Hands one message to one recipient over some delivery mechanism.
///
/// The send engine talks to this seam only: `CurlSMTPTransport` delivers over SMTP, `FileTransport`
/// writes `.eml` files for previews and tests.
///
/// `send` never throws: every way a delivery can end (accepted, deferred, rejected, relay unreachable)
/// is an ``SMTPOutcome`` the caller must record, so the failure modes are values rather than errors.
/// Cancelling the calling task does not abort a transaction that already started: an SMTP
/// transaction cut in half leaves the recipient's state unknown.
public protocol MailTransport: Sendable {
    /// Delivers `message` and reports how the relay answered.
    /// - Parameter message: The envelope and the CRLF-encoded message bytes.
    /// - Returns: The outcome, with the relay's reply when it gave one.
    func send(_ message: OutgoingMessage) async -> SMTPOutcome

    /// Delivers one piece of bulk work without a Swift task per message: the transport calls
    /// `work.message()` and `work.finished(_:)` on a thread of its own. The send engine uses it so a
    /// message costs no hand-offs between the concurrency pool and the connection threads.
    func enqueue(_ work: any TransportWork)

    /// Ends the transactions in progress now, for a shutdown that cannot wait any longer (a stalled
    /// relay); their outcome is a connection failure. Transports whose transactions cannot hang need
    /// not implement it.
    func abortTransfers()

    /// Whether the relay answers now (connects, greets, and accepts the login), to resume a send that
    /// paused because it could not be reached. Transports that cannot fail that way answer `true`.
    func probe() async -> Bool
}

/// A message the transport composes and delivers on its own thread (see ``MailTransport/enqueue(_:)``).
public protocol TransportWork: Sendable {
    /// Builds the message just before the transaction; `nil` when there is nothing to send any more
    /// (the work has then recorded why, and ``finished(_:)`` is not called).
    func message() -> OutgoingMessage?
    /// The outcome of the transaction, or the transport's shut-down outcome when the work was still
    /// queued as the transport closed (then ``message()`` was not called).
    func finished(_ outcome: SMTPOutcome)
}

extension MailTransport {
    public func abortTransfers() {}

    public func probe() async -> Bool { true }

    /// For transports without threads of their own: one task per message.
    public func enqueue(_ work: any TransportWork) {
        Task {
            guard let message = work.message() else { return }
            work.finished(await send(message))
        }
    }
}
