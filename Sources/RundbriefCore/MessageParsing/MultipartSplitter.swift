/// Splits a multipart body at its boundary delimiter lines.
enum MultipartSplitter {
    /// The parts between delimiter lines, or nil when the boundary never appears.
    /// A missing close delimiter (truncated mail) ends the last part at the end of input.
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>]? {
        let delimiter = Array("--\(boundary.prefix(200))".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd =
                ByteText.firstIndex(of: [ByteText.lf], in: body, from: lineStart) ?? body.endIndex
            let next = min(lineEnd + 1, body.endIndex)
            if let kind = delimiterKind(body[lineStart..<lineEnd], delimiter: delimiter) {
                if let start = partStart {
                    parts.append(body[start..<contentEnd(body, lineStart: lineStart, partStart: start)])
                }
                if kind == .close { return parts }
                partStart = next
            }
            lineStart = next
        }
        guard let start = partStart else { return nil }
        parts.append(body[start..<body.endIndex])
        return parts
    }

    private enum DelimiterKind { case open, close }

    private static func delimiterKind(_ line: ArraySlice<UInt8>, delimiter: [UInt8]) -> DelimiterKind? {
        guard line.count >= delimiter.count, line.starts(with: delimiter) else { return nil }
        let rest = line.dropFirst(delimiter.count)
        if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return .close }
        return rest.allSatisfy { ByteText.isBlank($0) || $0 == ByteText.cr } ? .open : nil
    }

    /// The end of a part's content: the line break before the delimiter belongs to the delimiter.
    private static func contentEnd(_ body: ArraySlice<UInt8>, lineStart: Int, partStart: Int) -> Int {
        var end = lineStart
        if end > partStart, body[end - 1] == ByteText.lf { end -= 1 }
        if end > partStart, body[end - 1] == ByteText.cr { end -= 1 }
        return end
    }
}
