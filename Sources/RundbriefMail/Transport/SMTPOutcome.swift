/// How one delivery ended: what the caller records on the delivery row.
public struct SMTPOutcome: Sendable, Hashable, CustomStringConvertible {
  /// What the caller should do about the delivery.
  public enum Classification: String, Sendable, Hashable {
    /// The relay accepted the message (2xx after the end of data).
    case delivered
    /// Try again later: a 4xx reply, a timeout or a connection lost mid-transaction.
    case transient
    /// The relay refused this recipient or this message for good (5xx on RCPT, DATA or end of data):
    /// a hard bounce.
    case permanent
    /// The relay could not be used at all (down, refused, TLS or authentication failure, or
    /// the sender refused on `MAIL FROM`): retry later; it says nothing about the recipient.
    case connectionFailed
  }

  /// What the caller should do about the delivery.
  public var classification: Classification
  /// The last stage the transaction reached; `.endOfData` when delivered.
  public var stage: SMTPStage
  /// The relay's last reply, `nil` when it gave none (refused connection, timeout, TLS failure).
  public var reply: SMTPReply?
  /// The transport's own explanation when the reply alone does not say what happened
  /// (e.g. libcurl's "Couldn't connect to server"); never contains a password.
  public var detail: String?

  /// Creates an outcome.
  public init(
    classification: Classification, stage: SMTPStage, reply: SMTPReply? = nil, detail: String? = nil
  ) {
    self.classification = classification
    self.stage = stage
    self.reply = reply
    self.detail = detail
  }

  /// Whether the relay accepted the message.
  public var isDelivered: Bool { classification == .delivered }

  /// `permanent at rcptTo: 550 5.1.1 User unknown`, for logs and the delivery's last-reply column.
  public var description: String {
    var text = "\(classification.rawValue) at \(stage.rawValue)"
    if let reply { text += ": \(reply)" }
    if let detail { text += " (\(detail))" }
    return text
  }
}
