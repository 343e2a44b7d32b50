/// Quoted-printable content transfer encoding (RFC 2045 §6.7).
///
/// The encoder is lossless: CRLF pairs become hard line breaks, a lone CR or LF
/// is encoded as `=0D`/`=0A`, so `decode(encode(x)) == x` for any bytes. Callers
/// that send text put its line breaks in canonical CRLF form first (RFC 2045 §2.10).
///
/// The output is also already canonical under DKIM's relaxed body rules
/// (RFC 6376 §3.4.4): no tab, no run of spaces and no trailing space is left
/// literal, so a signer can hash it without rewriting it.
public enum QuotedPrintable {
    /// Encodes bytes; every encoded line is at most 76 characters and ends in CRLF
    /// except the last, which has no line break unless the input ended with CRLF.
    public static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var encoder = QuotedPrintableEncoder()
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        encoder.encode(Array(bytes), into: &output)
        return output
    }

    /// Encodes the UTF-8 bytes of `text`.
    public static func encode(_ text: String) -> String {
        String(decoding: encode(Array(text.utf8)), as: UTF8.self)
    }

    /// Decodes quoted-printable data; trailing whitespace on encoded lines (transport
    /// padding) is ignored and hard line breaks become CRLF.
    /// - Throws: ``MIMEError`` with code `.malformedQuotedPrintable` for a `=` not
    ///   followed by two hex digits or a line break, or a bare CR.
    public static func decode(_ encoded: some Collection<UInt8>) throws -> [UInt8] {
        let bytes = Array(encoded)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lineStart = 0
        while lineStart < bytes.count {
            let (lineEnd, next) = lineBounds(bytes, from: lineStart)
            try decodeLine(bytes[lineStart..<lineEnd], hasBreak: next > lineEnd, into: &output)
            lineStart = next
        }
        return output
    }

    /// Decodes quoted-printable text into a string (invalid UTF-8 is replaced).
    public static func decode(_ encoded: String) throws -> String {
        String(decoding: try decode(Array(encoded.utf8)), as: UTF8.self)
    }

    /// Returns the end of the line content and the start of the next line.
    private static func lineBounds(_ bytes: [UInt8], from start: Int) -> (Int, Int) {
        var index = start
        while index < bytes.count {
            if bytes[index] == ASCII.lf { return (index, index + 1) }
            if bytes[index] == ASCII.cr, index + 1 < bytes.count, bytes[index + 1] == ASCII.lf {
                return (index, index + 2)
            }
            index += 1
        }
        return (index, index)
    }

    private static func decodeLine(
        _ line: ArraySlice<UInt8>, hasBreak: Bool, into output: inout [UInt8]
    ) throws {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab {
            end -= 1
        }
        var softBreak = false
        if end > line.startIndex, line[end - 1] == ASCII.equals {
            softBreak = true
            end -= 1
        }
        var index = line.startIndex
        while index < end {
            let byte = line[index]
            if byte == ASCII.equals {
                guard index + 2 < end, let high = ASCII.hexValue(line[index + 1]),
                    let low = ASCII.hexValue(line[index + 2])
                else { throw malformed("'=' is not followed by two hex digits") }
                output.append(high << 4 | low)
                index += 3
            } else if byte == ASCII.cr {
                throw malformed("bare CR in encoded data")
            } else {
                output.append(byte)
                index += 1
            }
        }
        if hasBreak && !softBreak { output.append(contentsOf: ASCII.crlf) }
    }

    private static func malformed(_ reason: String) -> MIMEError {
        MIMEError(.malformedQuotedPrintable, context: "quoted-printable", reason: reason)
    }
}
