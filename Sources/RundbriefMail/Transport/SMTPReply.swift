/// A reply from an SMTP server: the three-digit code, the RFC 3463 enhanced status code when the
/// server gave one, and the text.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
  /// The reply code, e.g. 250, 451, 550.
  public var code: Int
  /// The enhanced status code, e.g. `5.1.1`, when the first line carried one.
  public var enhancedStatus: String?
  /// The text of every line, without code and enhanced status, joined by `\n`.
  public var text: String

  /// Creates a reply.
  public init(code: Int, enhancedStatus: String? = nil, text: String) {
    self.code = code
    self.enhancedStatus = enhancedStatus
    self.text = text
  }

  /// Parses a reply from its lines as sent by the server (`250-first`, `250 last`), without CRLF.
  /// - Returns: `nil` when the first line does not start with a three-digit code.
  public init?(lines: [String]) {
    guard let first = lines.first, let code = Self.code(of: first) else { return nil }
    let texts = lines.map { Self.text(of: $0) }
    var firstText = texts[0]
    let status = Self.enhancedStatus(in: firstText, code: code)
    if let status {
      firstText = String(firstText.dropFirst(status.count).drop { $0 == " " })
    }
    self.init(
      code: code, enhancedStatus: status,
      text: ([firstText] + texts.dropFirst()).joined(separator: "\n"))
  }

  /// `550 5.1.1 text`, as an operator reads it in a log.
  public var description: String {
    [String(code), enhancedStatus, text.isEmpty ? nil : text].compactMap { $0 }.joined(
      separator: " ")
  }

  /// The class of the reply: 2 (success), 3 (intermediate), 4 (transient), 5 (permanent).
  public var severity: Int { code / 100 }

  static func code(of line: String) -> Int? {
    let digits = line.utf8.prefix(3)
    guard digits.count == 3,
      digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else {
      return nil
    }
    return Int(String(decoding: digits, as: UTF8.self))
  }

  /// Whether `line` is the last line of a reply (`250 text` or a bare `250`), not a continuation (`250-`).
  static func isFinalLine(_ line: String) -> Bool {
    let bytes = Array(line.utf8.prefix(4))
    return bytes.count == 3 || (bytes.count == 4 && bytes[3] != UInt8(ascii: "-"))
  }

  private static func text(of line: String) -> String {
    String(line.dropFirst(4))
  }

  /// RFC 3463: `class.subject.detail`, where class is the reply's first digit.
  private static func enhancedStatus(in text: String, code: Int) -> String? {
    guard let token = text.split(separator: " ", maxSplits: 1).first else { return nil }
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0] == "\(code / 100)",
      parts.allSatisfy({
        (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber)
      })
    else { return nil }
    return String(token)
  }
}
