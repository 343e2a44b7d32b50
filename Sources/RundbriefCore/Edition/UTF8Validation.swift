/// Decodes UTF-8 strictly, reporting where the first invalid sequence is.
enum UTF8Validation {
    /// - Throws: `EditionError.Code.invalidUTF8` with the byte offset and 1-based line.
    static func decode(_ bytes: [UInt8], file: String) throws(EditionError) -> String {
        if let offset = firstInvalidOffset(in: bytes) {
            let line = bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw EditionError(
                .invalidUTF8, file: file, line: line,
                reason:
                    "the file is not valid UTF-8 (first invalid byte at offset \(offset)); save it as UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The byte offset of the first invalid UTF-8 sequence, `nil` when all bytes are valid.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
