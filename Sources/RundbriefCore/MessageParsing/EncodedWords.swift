/// RFC 2047 encoded-word decoding (`=?charset?B|Q?text?=`) for header text.
///
/// Adjacent encoded words in the same charset are joined before decoding, because
/// senders split multi-byte characters across words; the blanks between encoded
/// words are dropped, as the RFC asks. One pass over the text that appends each
/// word's bytes to one reused buffer, so the time is linear in the header's length;
/// the decoded text stops at `maxDecodedBytes` (whole characters only).
enum EncodedWords {
    /// The most bytes of decoded text one header value yields.
    static let maxDecodedBytes = 64 * 1024

    static func decode(_ text: String, maxBytes: Int = maxDecodedBytes) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var output = Output(limit: maxBytes)
        var charset: String?
        var pending: [UInt8] = []
        var index = 0
        var literalStart = 0
        while index < bytes.count, !output.isFull {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "?"),
                let word = parseWord(bytes, at: index)
            {
                let literal = bytes[literalStart..<index]
                if charset == nil || !isBlankRun(literal) {
                    output.flush(&pending, charset: &charset)
                    output.append(ByteText.string(literal))
                }
                if charset != word.charset { output.flush(&pending, charset: &charset) }
                charset = word.charset
                pending.append(contentsOf: word.bytes)
                // A run of words longer than the cap is cut; its first bytes are enough.
                if pending.count > maxBytes { output.flush(&pending, charset: &charset) }
                index = word.end
                literalStart = index
                continue
            }
            index += 1
        }
        output.flush(&pending, charset: &charset)
        output.append(ByteText.string(bytes[min(literalStart, bytes.count)...]))
        return output.text
    }

    /// The decoded text so far and its size in bytes, never beyond the limit.
    private struct Output {
        let limit: Int
        var text = ""
        var count = 0
        var isFull = false

        mutating func append(_ piece: String) {
            guard !isFull, !piece.isEmpty else { return }
            let size = piece.utf8.count
            if count + size <= limit {
                text += piece
                count += size
                return
            }
            for character in piece {
                let width = character.utf8.count
                guard count + width <= limit else { break }
                text.append(character)
                count += width
            }
            isFull = true
        }

        mutating func flush(_ pending: inout [UInt8], charset: inout String?) {
            if let label = charset, !pending.isEmpty { append(Charset.decode(pending, label: label)) }
            pending.removeAll(keepingCapacity: true)
            charset = nil
        }
    }

    private static func isBlankRun(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { ByteText.isBlank($0) || $0 == ByteText.cr || $0 == ByteText.lf }
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
