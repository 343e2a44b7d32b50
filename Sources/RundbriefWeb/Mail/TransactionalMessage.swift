import Foundation

/// A single-part text/plain mail (confirmation, welcome): headers encoded per RFC 2047 where they
/// hold non-ASCII text, the body in base64 so no line is ever too long and no byte is misread.
///
/// Header values come from configuration and templates, never from the sign-up form, and CR/LF
/// is stripped from them all the same so a template cannot add a header.
struct TransactionalMessage: Sendable {
    var fromName: String
    var fromAddress: String
    var to: String
    var subject: String
    var body: String
    var date: Date
    var messageIDDomain: String

    /// The message as CRLF-terminated bytes, ready for the DATA command.
    func bytes() -> [UInt8] {
        var lines = [
            "From: \(Self.encodedWords(Self.oneLine(fromName), prefix: 6)) <\(Self.oneLine(fromAddress))>",
            "To: <\(Self.oneLine(to))>",
            "Subject: \(Self.encodedWords(Self.oneLine(subject), prefix: 9))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(Self.oneLine(messageIDDomain))>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
    }

    /// The text as is when it is printable ASCII, else as RFC 2047 B-encoded words of at most
    /// 75 characters, split between characters (never inside a UTF-8 sequence) and folded.
    static func encodedWords(_ text: String, prefix: Int) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && text.utf8.count + prefix <= 78 {
            return text
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        // "=?utf-8?B?" + "?=" is 12 characters; 45 bytes become 60 base64 characters: 72 in all.
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
