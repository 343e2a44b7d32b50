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
        guard let first = lines.first, let code = Self.code(of: first.utf8) else { return nil }
        // Works on the UTF-8 bytes: every message's last reply is parsed, and String slicing costs.
        var firstText = Substring(first).utf8.dropFirst(4)
        let status = Self.enhancedStatus(in: &firstText, code: code)
        var text = String(Substring(firstText))
        for line in lines.dropFirst() {
            text += "\n"
            text += Substring(Substring(line).utf8.dropFirst(4))
        }
        self.init(code: code, enhancedStatus: status, text: text)
    }

    /// `550 5.1.1 text`, as an operator reads it in a log.
    public var description: String {
        var result = String(code)
        if let enhancedStatus { result += " " + enhancedStatus }
        if !text.isEmpty { result += " " + text }
        return result
    }

    /// The class of the reply: 2 (success), 3 (intermediate), 4 (transient), 5 (permanent).
    public var severity: Int { code / 100 }

    private static func code(of line: String.UTF8View) -> Int? {
        var code = 0
        var digits = 0
        for byte in line.prefix(3) where (0x30...0x39).contains(byte) {
            code = code * 10 + Int(byte - 0x30)
            digits += 1
        }
        return digits == 3 ? code : nil
    }

    /// RFC 3463: `class.subject.detail`, where class is the reply's first digit, at the start of
    /// `text` (after spaces); when found, it and the spaces after it are removed from `text`.
    private static func enhancedStatus(in text: inout Substring.UTF8View, code: Int) -> String? {
        let start = text.firstIndex { $0 != 0x20 } ?? text.endIndex
        let end = text[start...].firstIndex(of: 0x20) ?? text.endIndex
        let token = text[start..<end]
        var parts = 0
        var length = 0
        for byte in token {
            if byte == UInt8(ascii: ".") {
                guard (1...3).contains(length), parts < 2 else { return nil }
                parts += 1
                length = 0
            } else {
                guard (0x30...0x39).contains(byte) else { return nil }
                length += 1
            }
        }
        guard parts == 2, (1...3).contains(length), token.first == UInt8(ascii: "0") + UInt8(code / 100),
            token.dropFirst().first == UInt8(ascii: ".")
        else { return nil }
        text = text[end...].drop { $0 == 0x20 }
        return String(Substring(token))
    }
}
