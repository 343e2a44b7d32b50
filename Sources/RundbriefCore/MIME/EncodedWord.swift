import Foundation

/// RFC 2047 encoded words in UTF-8, for non-ASCII header text.
///
/// Each word is at most 75 characters, uses whichever of Q or B is shorter for
/// its content, and holds whole characters: a UTF-8 sequence is never split,
/// and a grapheme cluster is kept together whenever it fits in one word.
public enum EncodedWord {
    /// The longest encoded word RFC 2047 §2 allows.
    public static let maxLength = 75

    private static let prefixLength = "=?utf-8?q?".utf8.count + "?=".utf8.count

    /// Encodes all of `text` as a sequence of encoded words, to be written
    /// separated by folding whitespace (which decoders drop between them).
    /// - Parameter firstMaxLength: A shorter limit for the first word, so it fits
    ///   on the header's first line after the field name.
    public static func encode(_ text: String, firstMaxLength: Int = maxLength) -> [String] {
        var words: [String] = []
        var chunk = EncodedWordChunk(maxLength: min(maxLength, max(firstMaxLength, 20)))
        for character in text {
            let bytes = Array(character.utf8)
            if chunk.fits(bytes) {
                chunk.append(bytes)
                continue
            }
            if !chunk.isEmpty {
                words.append(chunk.flush())
                chunk.maxLength = maxLength
            }
            if chunk.fits(bytes) {
                chunk.append(bytes)
            } else {
                appendScalars(of: character, to: &chunk, words: &words)
            }
        }
        if !chunk.isEmpty { words.append(chunk.flush()) }
        return words
    }

    /// A grapheme cluster too long for one word is split between its scalars.
    private static func appendScalars(
        of character: Character, to chunk: inout EncodedWordChunk, words: inout [String]
    ) {
        for scalar in character.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if !chunk.fits(bytes) {
                words.append(chunk.flush())
                chunk.maxLength = maxLength
            }
            chunk.append(bytes)
        }
    }

    /// Decodes one encoded word, or returns nil when `word` is not one.
    /// - Throws: ``MIMEError`` `.malformedEncodedWord` for a bad payload or charset.
    public static func decode(_ word: Substring) throws -> [UInt8]? {
        guard word.hasPrefix("=?"), word.hasSuffix("?="), word.count >= 8 else { return nil }
        let inner = word.dropFirst(2).dropLast(2)
        let fields = inner.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { return nil }
        let charset = fields[0].lowercased().split(separator: "*").first.map(String.init) ?? ""
        guard ["utf-8", "us-ascii"].contains(charset) else {
            throw malformed("unsupported charset")
        }
        switch fields[1].lowercased() {
        case "q": return try decodeQ(fields[2])
        case "b": return try decodeB(fields[2])
        default: throw malformed("unknown encoding")
        }
    }

    /// Decodes an unstructured header value as it appears after `Name:`: unfolds
    /// it, drops the one space after the colon, decodes encoded words and drops
    /// the whitespace between adjacent encoded words.
    public static func decodeHeaderValue(_ value: String) throws -> String {
        var unfolded = value.replacingCRLF()
        if unfolded.first == " " { unfolded.removeFirst() }
        var output: [UInt8] = []
        var pendingSpace: Substring = ""
        var previousWasEncoded = false
        for token in unfolded.whitespaceTokens() {
            if token.first == " " || token.first == "\t" {
                pendingSpace = token
                continue
            }
            let decoded = try decode(token)
            if !(decoded != nil && previousWasEncoded) { output.append(contentsOf: pendingSpace.utf8) }
            output.append(contentsOf: decoded ?? Array(token.utf8))
            pendingSpace = ""
            previousWasEncoded = decoded != nil
        }
        output.append(contentsOf: pendingSpace.utf8)
        return String(decoding: output, as: UTF8.self)
    }

    private static func decodeQ(_ payload: Substring) throws -> [UInt8] {
        let bytes = Array(payload.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case ASCII.underscore:
                output.append(ASCII.space)
                index += 1
            case ASCII.equals:
                guard index + 2 < bytes.count, let high = ASCII.hexValue(bytes[index + 1]),
                    let low = ASCII.hexValue(bytes[index + 2])
                else { throw malformed("'=' is not followed by two hex digits") }
                output.append(high << 4 | low)
                index += 3
            case let byte:
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// Folding may leave whitespace inside the payload; anything else outside base64 is an error.
    private static func decodeB(_ payload: Substring) throws -> [UInt8] {
        let compact = payload.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw malformed("invalid base64") }
        return Array(data)
    }

    private static func malformed(_ reason: String) -> MIMEError {
        MIMEError(.malformedEncodedWord, context: "encoded word", reason: reason)
    }

    static func wordLength(qPayload: Int) -> Int { prefixLength + qPayload }
    static func wordLength(bytes: Int) -> Int { prefixLength + (bytes + 2) / 3 * 4 }
}

extension String {
    /// Removes CRLF pairs (RFC 5322 unfolding).
    fileprivate func replacingCRLF() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self where character != "\r\n" { result.append(character) }
        return result
    }

    /// Splits into alternating runs of whitespace (space, tab) and non-whitespace.
    fileprivate func whitespaceTokens() -> [Substring] {
        var tokens: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let isSpace = self[index] == " " || self[index] == "\t"
            var end = index
            while end < endIndex, (self[end] == " " || self[end] == "\t") == isSpace {
                end = self.index(after: end)
            }
            tokens.append(self[start..<end])
            start = end
            index = end
        }
        return tokens
    }
}
