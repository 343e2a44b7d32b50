/// A quoted-printable encoder that can be fed in pieces.
///
/// Message templates are encoded once per edition as separate segments, each
/// starting at column 0, so a recipient's slot value can be encoded on its own
/// and spliced in between (see ``finishSegment(into:)``).
struct QuotedPrintableEncoder {
    /// Content characters per line; the 76th is reserved for a soft break's `=`.
    static let lineLimit = 75

    private(set) var column = 0
    private var lastWasLiteralSpace = false

    /// Encodes `input` and appends it to `output`, continuing the current line.
    mutating func encode(_ input: [UInt8], into output: inout [UInt8]) {
        input.withUnsafeBufferPointer { encode($0, into: &output) }
    }

    mutating func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == ASCII.cr, index + 1 < input.count, input[index + 1] == ASCII.lf {
                output.append(contentsOf: ASCII.crlf)
                startLine()
                index += 2
                continue
            }
            var literal = isLiteral(byte, at: index, in: input)
            if column + (literal ? 1 : 3) > Self.lineLimit {
                softBreak(into: &output)
                literal = isLiteral(byte, at: index, in: input)
            }
            emit(byte, literal: literal, into: &output)
            index += 1
        }
    }

    /// Ends a segment with a soft line break unless it already ends a line, so the
    /// next segment starts at column 0.
    mutating func finishSegment(into output: inout [UInt8]) {
        if column > 0 { softBreak(into: &output) }
    }

    private mutating func softBreak(into output: inout [UInt8]) {
        output.append(contentsOf: [ASCII.equals, ASCII.cr, ASCII.lf])
        startLine()
    }

    private mutating func startLine() {
        column = 0
        lastWasLiteralSpace = false
    }

    private mutating func emit(_ byte: UInt8, literal: Bool, into output: inout [UInt8]) {
        if literal {
            output.append(byte)
            column += 1
        } else {
            output.append(ASCII.equals)
            output.append(ASCII.hexDigits[Int(byte >> 4)])
            output.append(ASCII.hexDigits[Int(byte & 0x0F)])
            column += 3
        }
        lastWasLiteralSpace = literal && byte == ASCII.space
    }

    private func isLiteral(_ byte: UInt8, at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        switch byte {
        case ASCII.space:
            // A space before a line end is trailing whitespace that transports strip;
            // a second space in a row is not canonical under DKIM relaxed rules.
            return !lastWasLiteralSpace && !Self.endsLine(after: index, in: input)
        case ASCII.equals:
            return false
        case ASCII.dot, ASCII.capitalF:
            // A leading "." can be eaten by a careless SMTP relay and a leading
            // "From " gets ">"-quoted by mbox writers: encode both.
            return column > 0 || (byte == ASCII.capitalF && !Self.startsFrom(at: index, in: input))
        case 33...126:
            return true
        default:
            return false
        }
    }

    private static func endsLine(after index: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        let next = index + 1
        if next == input.count { return true }
        return input[next] == ASCII.cr && next + 1 < input.count && input[next + 1] == ASCII.lf
    }

    private static func startsFrom(at index: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        let from: [UInt8] = Array("From ".utf8)
        guard index + from.count <= input.count else { return false }
        for offset in 0..<from.count where input[index + offset] != from[offset] { return false }
        return true
    }
}
