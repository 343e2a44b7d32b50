/// One message to one recipient, exactly as it goes on the wire.
public struct OutgoingMessage: Sendable, Hashable {
  /// The envelope sender (`MAIL FROM`), e.g. a VERP address; empty for the null sender `<>`.
  public var envelopeFrom: String
  /// The envelope recipient (`RCPT TO`).
  public var recipient: String
  /// The complete message (headers and body) with CRLF line endings, not dot-stuffed.
  public var data: [UInt8]

  /// Creates a message.
  /// - Parameters:
  ///   - envelopeFrom: The envelope sender address, without angle brackets.
  ///   - recipient: The envelope recipient address, without angle brackets.
  ///   - data: The CRLF message bytes.
  public init(envelopeFrom: String, recipient: String, data: [UInt8]) {
    self.envelopeFrom = envelopeFrom
    self.recipient = recipient
    self.data = data
  }
}
