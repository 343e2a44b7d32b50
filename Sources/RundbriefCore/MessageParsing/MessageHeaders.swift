/// A message's or a part's header fields, unfolded, in their original order.
///
/// Values are kept raw (UTF-8 when valid, Windows-1252 otherwise); `decoded(_:)`
/// applies RFC 2047 for unstructured text such as Subject.
public struct MessageHeaders: Sendable, Equatable {
    /// One header field.
    public struct Field: Sendable, Equatable {
        /// The name as written.
        public var name: String
        /// The unfolded value without leading and trailing blanks.
        public var value: String
    }

    /// The fields in message order.
    public private(set) var fields: [Field]
    private var lowerNames: [String]

    public init(fields: [Field] = []) {
        self.fields = fields
        self.lowerNames = fields.map { $0.name.lowercased() }
    }

    /// The first value of the field called `name` (case-insensitive).
    public subscript(_ name: String) -> String? {
        let wanted = name.lowercased()
        guard let index = lowerNames.firstIndex(of: wanted) else { return nil }
        return fields[index].value
    }

    /// Every value of the field called `name`, in order.
    public func all(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return zip(lowerNames, fields).compactMap { $0 == wanted ? $1.value : nil }
    }

    /// The first value of `name` with RFC 2047 encoded words decoded.
    public func decoded(_ name: String) -> String? {
        self[name].map { EncodedWords.decode($0) }
    }

    /// Whether any field is called `name`.
    public func contains(_ name: String) -> Bool {
        lowerNames.contains(name.lowercased())
    }

    mutating func append(name: String, value: String) {
        fields.append(Field(name: name, value: value))
        lowerNames.append(name.lowercased())
    }
}

extension MessageHeaders {
    /// Reads a header block from the start of `bytes`, returning the headers and the
    /// index where the body starts (after the blank line, or at the first line that is
    /// neither a field nor a continuation, which broken mailers produce).
    static func parse(_ bytes: ArraySlice<UInt8>, maxFields: Int) -> (MessageHeaders, bodyStart: Int) {
        var headers = MessageHeaders()
        var current: (name: String, value: [UInt8])?
        var lineStart = bytes.startIndex
        var isFirstLine = true
        while lineStart < bytes.endIndex {
            let lineEnd =
                ByteText.firstIndex(of: [ByteText.lf], in: bytes, from: lineStart) ?? bytes.endIndex
            let next = min(lineEnd + 1, bytes.endIndex)
            let line = ByteText.stripCR(bytes[lineStart..<lineEnd])
            defer { isFirstLine = false }
            if ByteText.isBlankLine(line) {
                finish(&current, into: &headers, maxFields: maxFields)
                return (headers, next)
            }
            if ByteText.isBlank(line[line.startIndex]) {
                if current != nil {
                    current!.value.append(contentsOf: line)
                    lineStart = next
                    continue
                }
                if isFirstLine {
                    lineStart = next
                    continue
                }
            }
            if current.map({ ByteText.trimmed($0.value[...]).last == UInt8(ascii: ";") }) == true,
                fieldNameEnd(line) == nil
            {
                // A parameter list folded without indentation ("…;\nboundary=…"), which some mailers write.
                current!.value.append(32)
                current!.value.append(contentsOf: line)
                lineStart = next
                continue
            }
            if let colon = fieldNameEnd(line) {
                finish(&current, into: &headers, maxFields: maxFields)
                let name = String(decoding: ByteText.trimmed(line[line.startIndex..<colon]), as: UTF8.self)
                current = (name, Array(line[(colon + 1)...]))
            } else if isFirstLine && ByteText.hasPrefix(Array("from ".utf8), line) {
                // An mbox "From " separator line.
            } else {
                finish(&current, into: &headers, maxFields: maxFields)
                return (headers, lineStart)
            }
            lineStart = next
        }
        finish(&current, into: &headers, maxFields: maxFields)
        return (headers, bytes.endIndex)
    }

    /// The colon ending a plausible field name (printable, no blanks inside, ≤ 76 bytes).
    private static func fieldNameEnd(_ line: ArraySlice<UInt8>) -> Int? {
        var index = line.startIndex
        let limit = min(line.endIndex, line.startIndex + 77)
        var sawBlank = false
        while index < limit {
            let byte = line[index]
            if byte == UInt8(ascii: ":") { return index > line.startIndex ? index : nil }
            if ByteText.isBlank(byte) {
                sawBlank = true
            } else if sawBlank || byte < 33 || byte > 126 {
                return nil
            }
            index += 1
        }
        return nil
    }

    private static func finish(
        _ current: inout (name: String, value: [UInt8])?, into headers: inout MessageHeaders,
        maxFields: Int
    ) {
        guard let field = current else { return }
        current = nil
        guard headers.fields.count < maxFields else { return }
        headers.append(name: field.name, value: ByteText.string(ByteText.trimmed(field.value[...])))
    }
}
