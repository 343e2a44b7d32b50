import Foundation
import RundbriefTestSupport
import Testing

@testable import RundbriefCore

struct CSVReaderTests {
    /// What a reader produced for one call of `next()`.
    enum Item: Equatable {
        case row(Int, [String])
        case error(Int, String)
    }

    static func items(_ reader: CSVReader) -> [Item] {
        var items: [Item] = []
        while true {
            do {
                guard let row = try reader.next() else { return items }
                items.append(.row(row.line, row.fields))
            } catch {
                items.append(.error(error.line, error.reason))
            }
        }
    }

    static func items(_ text: String) -> [Item] {
        items(CSVReader(bytes: Array(text.utf8)))
    }

    @Test func readsSimpleRecords() {
        #expect(
            Self.items("email,name\na@b.de,Anna\nc@d.de,Bernd\n") == [
                .row(1, ["email", "name"]), .row(2, ["a@b.de", "Anna"]), .row(3, ["c@d.de", "Bernd"]),
            ])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func acceptsEveryLineEnd(_ end: String) {
        let text = ["a,b", "c,d", "", "e,f"].joined(separator: end)
        #expect(Self.items(text) == [.row(1, ["a", "b"]), .row(2, ["c", "d"]), .row(4, ["e", "f"])])
        #expect(Self.items(text + end) == Self.items(text))
    }

    @Test func unquotesRFC4180Fields() {
        let text = "\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"two\nlines\r\nhere\",x\nnext,row"
        #expect(
            Self.items(text) == [
                .row(1, ["a,b", "say \"hi\"", ""]),
                .row(2, ["two\nlines\r\nhere", "x"]),
                .row(5, ["next", "row"]),
            ])
    }

    @Test func readsGermanExcelExport() {
        let text =
            "\u{FEFF}E-Mail;Name;Ort\r\nanna@beispiel.de;Anna Müller;Köln\r\njörg@x.de;\"Groß; Jörg\";Düsseldorf\r\n"
        let reader = CSVReader(bytes: Array(text.utf8))
        #expect(
            Self.items(reader) == [
                .row(1, ["E-Mail", "Name", "Ort"]),
                .row(2, ["anna@beispiel.de", "Anna Müller", "Köln"]),
                .row(3, ["jörg@x.de", "Groß; Jörg", "Düsseldorf"]),
            ])
        #expect(reader.delimiter == UInt8(ascii: ";"))
    }

    @Test func detectsDelimiterOutsideQuotes() throws {
        let cases: [(String, Character)] = [
            ("a,b,c\n", ","), ("a;b;c\n", ";"), ("a\tb\tc\n", "\t"), ("single\n", ","),
            ("\"x;y;z\",b\n", ","), ("\n\na;b\n", ";"), ("a;b,c\n", ","),
        ]
        for (text, expected) in cases {
            let reader = CSVReader(bytes: Array(text.utf8))
            _ = try reader.next()
            #expect(reader.delimiter == expected.asciiValue, "\(text.debugDescription)")
        }
    }

    @Test func keepsTrailingDelimiterAsEmptyField() {
        #expect(
            Self.items("a,b,\nc,d,\r\ne,") == [
                .row(1, ["a", "b", ""]), .row(2, ["c", "d", ""]), .row(3, ["e", ""]),
            ])
        #expect(Self.items(",\n,,") == [.row(1, ["", ""]), .row(2, ["", "", ""])])
    }

    @Test func reportsInvalidUTF8AndContinues() {
        var bytes = Array("a,b\nbad,".utf8)
        bytes += [0xC3, 0x28]  // a lead byte without its continuation
        bytes += Array("\nc,d\n".utf8)
        #expect(
            Self.items(CSVReader(bytes: bytes)) == [
                .row(1, ["a", "b"]), .error(2, "not valid UTF-8 (save the file as UTF-8)"),
                .row(3, ["c", "d"]),
            ])
    }

    @Test func reportsTextAfterClosingQuoteAndContinues() {
        let items = Self.items("\"ab\"c,d\ne,f\n")
        #expect(items.count == 2)
        guard case .error(1, let reason) = items.first else {
            Issue.record("expected an error, got \(items)")
            return
        }
        #expect(reason.contains("closing quote"))
        #expect(items.last == .row(2, ["e", "f"]))
    }

    @Test func reportsUnterminatedQuoteOnceAtItsStart() throws {
        let reader = CSVReader(bytes: Array("a,b\nc,\"open\nd,e\nf,g\n".utf8))
        #expect(
            Self.items(reader) == [
                .row(1, ["a", "b"]),
                .error(2, "unterminated quote: a field opened with \" is never closed"),
            ])
        #expect(try reader.next() == nil)
    }

    @Test func skipsRecordsOverTheSizeLimit() {
        let huge = String(repeating: "x", count: CSVReader.maxRecordBytes + 10)
        let items = Self.items("a\n\"\(huge)\",y\nb\n")
        #expect(items == [.row(1, ["a"]), .error(2, "record longer than 1 MiB"), .row(3, ["b"])])
    }

    /// Records straddle the 64 KiB chunks in every way; the streaming reader must agree with the in-memory one.
    @Test(arguments: [1, 7, 1000])
    func readsStreamsAcrossChunkBoundaries(seed: UInt64) throws {
        let text = Self.randomCSV(seed: seed, records: 3_000, delimiter: ";")
        let fromFile = Self.items(CSVReader(source: StreamedBytes(text)))
        #expect(fromFile == Self.items(text))
        #expect(fromFile.count == 3_001)
    }

    /// A CRLF whose CR ends one 64 KiB chunk and whose LF starts the next is still one line end.
    @Test func countsCRLFSplitAcrossChunksOnce() throws {
        let chunk = CSVReader.chunkSize
        let unquoted = String(repeating: "x", count: chunk - 1) + "\r\nnext\r\nlast\r\n"
        let quoted = "\"" + String(repeating: "y", count: chunk - 2) + "\r\nstill\"\r\nlast\r\n"
        for (text, expected) in [
            (
                unquoted,
                [Item.row(1, [String(repeating: "x", count: chunk - 1)]), .row(2, ["next"]), .row(3, ["last"])]
            ),
            (quoted, [Item.row(1, [String(repeating: "y", count: chunk - 2) + "\r\nstill"]), .row(3, ["last"])]),
        ] {
            #expect(Self.items(CSVReader(source: StreamedBytes(text))) == expected)
        }
    }

    /// Python's `csv` module is the independent reference for the fields of tricky records.
    @Test func agreesWithPythonCSV() throws {
        let text = Self.randomCSV(seed: 4180, records: 500, delimiter: ",")
        let url = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = [r for r in csv.reader(f, delimiter=',', strict=True) if r]
            json.dump(rows, sys.stdout)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try JSONDecoder().decode([[String]].self, from: output)
        let reader = CSVReader(source: StreamedBytes(text))
        var actual: [[String]] = []
        while let row = try reader.next() { actual.append(row.fields) }
        #expect(actual.count == expected.count)
        #expect(actual == expected)
    }

    static func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "csv-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Fields with quotes, delimiters, line breaks of every kind and umlauts, each record on a random line end.
    static func randomCSV(seed: UInt64, records: Int, delimiter: String) -> String {
        var random = SplitMix64(seed: seed)
        let pieces = [
            "anna", "Müller", "straße", "ö", "x@y.de", " ", "1,5", "a;b", "\"", "\n", "\r\n", "€", "🙂",
            "z\tz",
        ]
        let ends = ["\n", "\r\n", "\r"]
        // A header first, as real exports have: the delimiter is detected from it.
        var text = ["email", "name", "city"].joined(separator: delimiter) + "\n"
        for _ in 0..<records {
            let count = 1 + Int(random.next() % 6)
            var fields: [String] = []
            for _ in 0..<count {
                var field = ""
                for _ in 0..<Int(random.next() % 40) {
                    field += pieces[Int(random.next() % UInt64(pieces.count))]
                }
                // Scalars, not Characters: "\r\n" is one Character and would slip past a Character test.
                let special =
                    field.unicodeScalars.contains { "\"\n\r".unicodeScalars.contains($0) }
                    || field.contains(delimiter) || field.isEmpty
                fields.append(
                    special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field)
            }
            text += fields.joined(separator: delimiter) + ends[Int(random.next() % 3)]
        }
        return text
    }
}

/// A stream of bytes read a chunk at a time, as a file is: what `CSVReader(source:)` sees from an open file.
final class StreamedBytes: CSVByteSource {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - position)
        buffer.copyBytes(from: bytes[position..<position + count])
        position += count
        return count
    }

    func skip(ifNext byte: UInt8) {
        if position < bytes.count, bytes[position] == byte { position += 1 }
    }
}
