import PropertyBased
import Testing

@testable import RundbriefCore

/// Strings built from the pieces that break encoders: line breaks of every kind,
/// tabs and runs of spaces, long words, umlauts, emoji, combining marks, `=`, `.`, `From `.
enum NastyText {
    static let fragments: [String] = [
        "\r\n", "\r", "\n", "\t", " ", "   ", "a", "Zusammenarbeit", "für", "„Zitat“", "–", "—", "ß",
        "€",
        "😀", "👩‍👩‍👧", "e\u{301}", "a\u{308}\u{323}", String(repeating: "x", count: 90),
        String(repeating: "ü", count: 50), ".", "From ", "=", "=?", "?=", "=?utf-8?q?x?=", "_", "?",
        "\"", "\\",
        "<b>", "&amp;", "\u{7F}", "\u{1}", "\u{A0}", "\u{FEFF}", "\u{10FFFF}",
    ]

    static let fragment = Gen<String?>.element(of: fragments).map { $0 ?? "" }
    static let scalar = Gen<UInt32>.value(in: 0x20...0xD7FF).map { String(UnicodeScalar($0)!) }
    static let text = Gen.oneOf(fragment.eraseToAnySequence(), scalar.eraseToAnySequence())
        .array(of: 0...60).map { $0.joined() }
    /// The same without CR, LF and NUL, as allowed in header values.
    static let headerText = text.map { text in
        String(
            text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }.map(Character.init))
    }
}

/// Splits encoded output at CRLF, failing on a lone CR or LF.
func crlfLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    var index = 0
    while index < bytes.count {
        if bytes[index] == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A {
            lines.append(bytes[start..<index])
            index += 2
            start = index
        } else {
            #expect(bytes[index] != 0x0D && bytes[index] != 0x0A, "lone CR or LF at \(index)")
            index += 1
        }
    }
    lines.append(bytes[start...])
    return lines
}

@Suite struct QuotedPrintableTests {
    @Test func encodesKnownText() {
        #expect(QuotedPrintable.encode("Grüße = Ärger") == "Gr=C3=BC=C3=9Fe =3D =C3=84rger")
        #expect(QuotedPrintable.encode("a \r\nb\t") == "a=20\r\nb=09")
        #expect(QuotedPrintable.encode(".\r\nFrom here\r\nFromage") == "=2E\r\n=46rom here\r\nFromage")
        #expect(QuotedPrintable.encode("a  b") == "a =20b")
        #expect(QuotedPrintable.encode("x\ny\rz") == "x=0Ay=0Dz")
    }

    @Test func softBreaksKeepLinesAt76() throws {
        let text = String(repeating: "Kläranlage ", count: 40)
        let encoded = QuotedPrintable.encode(Array(text.utf8))
        let lines = crlfLines(encoded)
        #expect(lines.count > 5)
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.last == UInt8(ascii: "=") })
        #expect(try QuotedPrintable.decode(encoded) == Array(text.utf8))
    }

    @Test func decoderIgnoresTransportPaddingAndAcceptsLowercaseHex() throws {
        #expect(try QuotedPrintable.decode("ab  \r\ncd=\t\r\nef=c3=bc") == "ab\r\ncdefü")
    }

    @Test(arguments: ["=4", "a=4\r\n", "=G1", "a\rb"])
    func decoderRejectsMalformedInput(_ input: String) {
        #expect(throws: MIMEError.self) { try QuotedPrintable.decode(input) }
    }

    @Test func decodeInvertsEncodeOverNastyText() async {
        await propertyCheck(count: 400, input: NastyText.text) { text in
            let encoded = QuotedPrintable.encode(Array(text.utf8))
            #expect((try? QuotedPrintable.decode(encoded)) == Array(text.utf8))
            let lines = crlfLines(encoded)
            #expect(lines.allSatisfy { $0.count <= 76 })
            #expect(lines.allSatisfy { $0.allSatisfy { (0x20...0x7E).contains($0) } })
            #expect(
                lines.allSatisfy { $0.first != UInt8(ascii: ".") && !$0.starts(with: Array("From ".utf8)) })
            // Relaxed DKIM canonicalization must leave the encoding unchanged (a
            // content line is added so trailing empty input lines are not at the end).
            let framed = encoded + Array("\r\n--end\r\n".utf8)
            #expect(DKIMCanonicalization.relaxedBody(framed) == framed)
        }
    }

    @Test func segmentsEndAtColumnZero() {
        var encoder = QuotedPrintableEncoder()
        var output: [UInt8] = []
        encoder.encode(Array("Sehr geehrte ".utf8), into: &output)
        encoder.finishSegment(into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "Sehr geehrte=20=\r\n")
        #expect(encoder.column == 0)
    }
}
