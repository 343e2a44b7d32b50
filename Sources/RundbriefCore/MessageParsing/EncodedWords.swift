/// RFC 2047 encoded-word decoding (`=?charset?B|Q?text?=`) for header text.
///
/// Adjacent encoded words in the same charset are joined before decoding, because
/// senders split multi-byte characters across words; the blanks between encoded
/// words are dropped, as the RFC asks.
enum EncodedWords {
    static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var output = ""
        var pending: (charset: String, bytes: [UInt8])?
        var index = 0
        var literalStart = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "?"),
                let word = parseWord(bytes, at: index)
            {
                let literal = bytes[literalStart..<index]
                if pending == nil || !isBlankRun(literal) {
                    flush(&pending, into: &output)
                    output += ByteText.string(literal)
                }
                if let current = pending, current.charset == word.charset {
                    pending = (current.charset, current.bytes + word.bytes)
                } else {
                    flush(&pending, into: &output)
                    pending = (word.charset, word.bytes)
                }
                index = word.end
                literalStart = index
                continue
            }
            index += 1
        }
        let tail = bytes[literalStart..<bytes.count]
        flush(&pending, into: &output)
        output += ByteText.string(tail)
        return output
    }

    private static func isBlankRun(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { ByteText.isBlank($0) || $0 == ByteText.cr || $0 == ByteText.lf }
    }

    private static func flush(
        _ pending: inout (charset: String, bytes: [UInt8])?, into output: inout String
    ) {
        guard let word = pending else { return }
        output += Charset.decode(word.bytes, label: word.charset)
        pending = nil
    }

    /// Parses one encoded word starting at `start` ("=?"), bounded to 512 bytes so a
    /// stray "=?" cannot make the scan quadratic.
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> (
        charset: String, bytes: [UInt8], end: Int
    )? {
        let limit = min(bytes.count, start + 512)
        var cursor = start + 2
        let charsetStart = cursor
        while cursor < limit, bytes[cursor] != UInt8(ascii: "?") {
            if ByteText.isBlank(bytes[cursor]) { return nil }
            cursor += 1
        }
        guard cursor + 2 < limit, bytes[cursor + 2] == UInt8(ascii: "?") else { return nil }
        var charset = String(decoding: bytes[charsetStart..<cursor], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let mode = ByteText.lower(bytes[cursor + 1])
        cursor += 3
        let textStart = cursor
        while cursor + 1 < limit,
            !(bytes[cursor] == UInt8(ascii: "?") && bytes[cursor + 1] == UInt8(ascii: "="))
        {
            cursor += 1
        }
        guard cursor + 1 < limit else { return nil }
        let encoded = bytes[textStart..<cursor]
        let decoded: [UInt8]
        switch mode {
        case UInt8(ascii: "b"): decoded = TransferEncoding.base64(encoded)
        case UInt8(ascii: "q"):
            decoded = TransferEncoding.quotedPrintable(encoded, underscoreIsSpace: true)
        default: return nil
        }
        return (charset, decoded, cursor + 2)
    }
}
