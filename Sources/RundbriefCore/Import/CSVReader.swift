/// Streams the records of a CSV file (RFC 4180, plus what spreadsheets really write).
///
/// The reader opens nothing itself: it reads from a ``CSVByteSource`` (RundbriefApp's `CSVReader(path:)`
/// hands in an open file) or from bytes in memory.
///
/// The reader is a resumable byte-level state machine over 64 KiB chunks, so memory stays
/// constant however long the file is: only the current record is held. It accepts `,`, `;`
/// (German Excel) or tab as the delimiter, detected from the first record; `""` escapes inside
/// quoted fields; quoted fields spanning lines; CRLF, LF or CR line ends; a UTF-8 byte order mark.
///
/// A malformed record throws a `CSVError` naming its first line, and the reader stays usable:
/// the next call continues after the bad record.
public final class CSVReader {
    /// Records longer than this are reported and skipped, so a stray quote cannot make the
    /// reader hold the rest of the file in memory.
    public static let maxRecordBytes = 1 << 20

    static let chunkSize = 64 * 1024
    private static let quote: UInt8 = 0x22
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    /// The field delimiter: `,`, `;` or tab, whichever occurs most often outside quotes in the first record.
    public private(set) var delimiter: UInt8 = 0x2C

    private var source: (any CSVByteSource)?
    private var buffer: [UInt8]
    private var position = 0
    private var started = false
    private var finished = false
    private var line = 1

    private var state = State.fieldStart
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var recordLine = 1
    private var recordBytes = 0
    /// The record's first problem, in English and German.
    private var recordProblem: (reason: String, german: String)?
    private var previousWasCR = false

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    /// Streams CSV from `source`, 64 KiB at a time.
    public init(source: any CSVByteSource) {
        self.source = source
        self.buffer = []
        buffer.reserveCapacity(Self.chunkSize)
    }

    /// Reads CSV from bytes already in memory.
    public init(bytes: [UInt8]) {
        self.source = nil
        self.buffer = bytes
    }

    /// The next record, `nil` at end of file.
    ///
    /// Empty lines are skipped.
    /// - Throws: `CSVError` for a malformed record; calling again continues after it.
    ///   An unterminated quote is reported once, at the line where it opens, and ends the file.
    public func next() throws(CSVError) -> CSVRow? {
        if !started { start() }
        while !finished {
            let outcome = readRecord()
            switch outcome {
            case .row(let row): return row
            case .failure(let error): throw error
            case .empty, .none: continue
            }
        }
        return nil
    }
}

extension CSVReader {
    private enum Outcome {
        case row(CSVRow)
        case failure(CSVError)
        case empty
        case none
    }

    private func start() {
        started = true
        if source != nil { refill() }
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        delimiter = CSVDelimiterDetector.detect(in: buffer[position...])
    }

    /// Replaces the buffer with the next chunk of the file; `false` at end of input.
    @discardableResult
    private func refill() -> Bool {
        guard let source else { return false }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
        let count = buffer.withUnsafeMutableBytes { source.read(into: $0) }
        buffer.removeLast(Self.chunkSize - count)
        position = 0
        return count > 0
    }

    private func readRecord() -> Outcome {
        beginRecord()
        while true {
            if position == buffer.count, !refill() {
                return endOfInput()
            }
            if scan() { return completeRecord() }
        }
    }

    private func beginRecord() {
        state = .fieldStart
        fields.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        recordBytes = 0
        recordProblem = nil
        recordLine = line
    }

    private func endOfInput() -> Outcome {
        finished = true
        switch state {
        case .quoted:
            return .failure(
                CSVError(
                    line: recordLine, reason: "unterminated quote: a field opened with \" is never closed",
                    german: "ein Feld öffnet ein Anführungszeichen (\"), das nie geschlossen wird"))
        case .fieldStart where fields.isEmpty:
            return .none
        default:
            finishField()
            return completeRecord()
        }
    }

    private func completeRecord() -> Outcome {
        if let recordProblem {
            return .failure(CSVError(line: recordLine, reason: recordProblem.reason, german: recordProblem.german))
        }
        // Every line with content yields at least one field, so no fields means an empty line.
        return fields.isEmpty ? .empty : .row(CSVRow(line: recordLine, fields: fields))
    }

    private func finishField() {
        if let string = decodeField(field) {
            fields.append(string)
        }
        field.removeAll(keepingCapacity: true)
    }

    private func decodeField<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        guard recordProblem == nil else { return nil }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            recordProblem = (
                "not valid UTF-8 (save the file as UTF-8)",
                "kein gültiges UTF-8 (bitte die Datei als „CSV UTF-8“ speichern)"
            )
            return nil
        }
        return string
    }

    private func noteProblem(_ reason: String, german: String) {
        if recordProblem == nil { recordProblem = (reason, german) }
    }

    /// Keeps the bytes of a field, unless the record has grown past the limit; then only notes that.
    private func keep(_ bytes: UnsafeBufferPointer<UInt8>.SubSequence) {
        recordBytes += bytes.count
        if recordBytes > Self.maxRecordBytes {
            noteProblem(
                "record longer than \(Self.maxRecordBytes / 1024 / 1024) MiB",
                german: "die Zeile ist länger als \(Self.maxRecordBytes / 1024 / 1024) MiB")
            return
        }
        if recordProblem == nil { field.append(contentsOf: bytes) }
    }

    /// Consumes bytes until the current record ends (`true`) or the buffer is exhausted (`false`).
    ///
    /// On `true` every field of the record, including the last, is in `fields`.
    private func scan() -> Bool {
        let delimiter = self.delimiter
        return buffer.withUnsafeBufferPointer { bytes in
            var index = position
            defer { position = index }
            while index < bytes.count {
                switch state {
                case .fieldStart:
                    let byte = bytes[index]
                    if byte == Self.quote {
                        state = .quoted
                        previousWasCR = false
                        index += 1
                    } else if byte == delimiter {
                        finishField()
                        index += 1
                    } else if byte == Self.lf || byte == Self.cr {
                        // After a delimiter the line ends in an empty field; otherwise the line is empty.
                        if !fields.isEmpty { finishField() }
                        index = endLine(bytes, at: index)
                        return true
                    } else {
                        state = .unquoted
                    }
                case .unquoted:
                    let start = index
                    while index < bytes.count, !Self.isSpecialUnquoted(bytes[index], delimiter: delimiter) {
                        index += 1
                    }
                    if index == bytes.count {
                        keep(bytes[start..<index])
                        return false
                    }
                    if field.isEmpty, recordProblem == nil {
                        // Fast path: the whole field is in the buffer, so decode it in place.
                        recordBytes += index - start
                        if let string = decodeField(bytes[start..<index]) { fields.append(string) }
                    } else {
                        keep(bytes[start..<index])
                        finishField()
                    }
                    state = .fieldStart
                    if bytes[index] == delimiter {
                        index += 1
                        continue
                    }
                    index = endLine(bytes, at: index)
                    return true
                case .quoted:
                    let start = index
                    while index < bytes.count, bytes[index] != Self.quote {
                        countLineBreak(bytes[index])
                        index += 1
                    }
                    keep(bytes[start..<index])
                    if index == bytes.count { return false }
                    state = .quoteInQuoted
                    index += 1
                case .quoteInQuoted:
                    let byte = bytes[index]
                    if byte == Self.quote {
                        keep(bytes[index..<index + 1])
                        state = .quoted
                        index += 1
                    } else if byte == delimiter {
                        finishField()
                        state = .fieldStart
                        index += 1
                    } else if byte == Self.lf || byte == Self.cr {
                        finishField()
                        state = .fieldStart
                        index = endLine(bytes, at: index)
                        return true
                    } else {
                        noteProblem(
                            "unexpected text after a closing quote (write \"\" for a quote inside a quoted field)",
                            german:
                                "Text nach einem schließenden Anführungszeichen (ein \" im Feld wird als \"\" geschrieben)"
                        )
                        state = .unquoted
                    }
                }
            }
            return false
        }
    }

    /// Consumes a line end at `index` (CR, LF or CRLF) and counts the line.
    private func endLine(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        line += 1
        var next = index + 1
        guard bytes[index] == Self.cr else { return next }
        if next < bytes.count {
            if bytes[next] == Self.lf { next += 1 }
        } else if let source {
            // A CRLF may straddle two chunks: after a CR at a chunk's end, consume the LF that follows.
            source.skip(ifNext: Self.lf)
        }
        return next
    }

    private func countLineBreak(_ byte: UInt8) {
        if byte == Self.cr {
            line += 1
        } else if byte == Self.lf, !previousWasCR {
            line += 1
        }
        previousWasCR = byte == Self.cr
    }

    @inline(__always)
    private static func isSpecialUnquoted(_ byte: UInt8, delimiter: UInt8) -> Bool {
        // One comparison rules out all letters, digits and UTF-8 continuation bytes.
        byte <= 0x3B && (byte == delimiter || byte == lf || byte == cr)
    }
}
