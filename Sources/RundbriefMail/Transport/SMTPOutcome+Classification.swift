extension SMTPOutcome.Classification {
  /// Classifies a transaction that did not end in delivery.
  ///
  /// Only the recipient's stages (RCPT, DATA, end of data) can produce a permanent failure: a 5xx
  /// before them says the relay or our credentials are wrong, which is no reason to bounce a
  /// subscriber. A refused `MAIL FROM` is treated the same way, since it refuses every message alike.
  /// - Parameters:
  ///   - stage: The stage the transaction reached.
  ///   - reply: The relay's last reply in this transaction, if any.
  static func forFailure(at stage: SMTPStage, reply: SMTPReply?) -> Self {
    switch stage {
    case .connect, .tls, .auth:
      return .connectionFailed
    case .mailFrom:
      return reply?.severity == 4 || reply == nil ? .transient : .connectionFailed
    case .rcptTo, .data, .endOfData:
      return reply?.severity == 5 ? .permanent : .transient
    }
  }
}
