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
}
