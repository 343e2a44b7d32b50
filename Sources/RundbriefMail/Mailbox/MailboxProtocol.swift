/// The protocol a mailbox URL names.
enum MailboxProtocol: Sendable {
  case imap
  case pop3

  init(url: String) throws(TransportError) {
    let lowered = url.lowercased()
    if lowered.hasPrefix("imap://") || lowered.hasPrefix("imaps://") {
      self = .imap
    } else if lowered.hasPrefix("pop3://") || lowered.hasPrefix("pop3s://") {
      self = .pop3
    } else {
      throw TransportError(
        .invalidConfiguration, "mailbox URL must start with imap[s]:// or pop3[s]://")
    }
  }
}
