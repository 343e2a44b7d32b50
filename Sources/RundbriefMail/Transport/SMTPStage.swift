/// The step of an SMTP transaction a delivery reached, i.e. where it failed when it failed.
public enum SMTPStage: String, Sendable, Hashable, CaseIterable {
  /// TCP connect, the greeting and EHLO.
  case connect
  /// STARTTLS or the TLS handshake (also implicit TLS for `smtps://`).
  case tls
  /// SMTP AUTH.
  case auth
  /// `MAIL FROM`.
  case mailFrom
  /// `RCPT TO`.
  case rcptTo
  /// The `DATA` command, before the message is sent.
  case data
  /// The reply after the message's final `.`: the relay accepted or refused the message itself.
  case endOfData
}
