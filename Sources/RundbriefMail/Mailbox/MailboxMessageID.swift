/// Names one message in a mailbox: an IMAP UID, or a POP3 message number.
///
/// POP3 numbers are only valid inside the session that listed them; IMAP UIDs stay valid as long
/// as the mailbox's UIDVALIDITY does.
public struct MailboxMessageID: Sendable, Hashable, CustomStringConvertible {
  /// The UID or message number, as the server wrote it.
  public var value: UInt64

  /// Creates an identifier.
  public init(_ value: UInt64) {
    self.value = value
  }

  public var description: String { String(value) }
}
