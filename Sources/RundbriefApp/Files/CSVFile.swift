#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import RundbriefCore

/// An open CSV file that a `CSVReader` streams from (RundbriefCore opens no file itself).
final class CSVFile: CSVByteSource {
    private let file: UnsafeMutablePointer<FILE>

    /// Opens `path` for reading.
    /// - Throws: `CSVError` with line 0 when the file cannot be opened.
    init(path: String) throws(CSVError) {
        guard let file = fopen(path, "rb") else {
            let cause = String(cString: strerror(errno))
            throw CSVError(
                line: 0, reason: "cannot open file (\(cause))", german: "die Datei lässt sich nicht öffnen (\(cause))")
        }
        self.file = file
    }

    deinit { fclose(file) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        fread(buffer.baseAddress, 1, buffer.count, file)
    }

    func skip(ifNext byte: UInt8) {
        let next = getc(file)
        if next != Int32(byte), next != EOF { ungetc(next, file) }
    }
}

extension CSVReader {
    /// Opens a CSV file and streams its records, 64 KiB at a time.
    /// - Throws: `CSVError` with line 0 when the file cannot be opened.
    public convenience init(path: String) throws(CSVError) {
        self.init(source: try CSVFile(path: path))
    }
}
