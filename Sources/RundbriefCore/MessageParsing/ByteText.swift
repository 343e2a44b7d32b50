/// Byte-level helpers the readers share.
///
/// Mail is parsed as bytes: hostile input then never goes through Unicode-heavy
/// `String` operations in a loop, and every scan here is linear in its input.
enum ByteText {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10

    /// ASCII lower-casing; other bytes pass through unchanged.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9
    }

    /// The lines of `bytes` without their CR/LF terminators.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == lf {
                result.append(stripCR(bytes[start..<index]))
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { result.append(stripCR(bytes[start..<bytes.endIndex])) }
        return result
    }

    static func stripCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == cr ? line.dropLast() : line
    }

    /// `bytes` without leading and trailing blanks and line breaks.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) || bytes[start] == cr || bytes[start] == lf {
            start += 1
        }
        while end > start, isBlank(bytes[end - 1]) || bytes[end - 1] == cr || bytes[end - 1] == lf {
            end -= 1
        }
        return bytes[start..<end]
    }

    static func isBlankLine(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { isBlank($0) || $0 == cr }
    }

    static func lowercased(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.map(lower)
    }

    /// The first index of `pattern` in `haystack` at or after `from`; a naive scan,
    /// linear for the short patterns used here.
    static func firstIndex(of pattern: [UInt8], in haystack: ArraySlice<UInt8>, from: Int? = nil)
        -> Int?
    {
        guard let first = pattern.first else { return from ?? haystack.startIndex }
        var index = from ?? haystack.startIndex
        let last = haystack.endIndex - pattern.count
        while index <= last {
            if haystack[index] == first, matches(pattern, in: haystack, at: index) { return index }
            index += 1
        }
        return nil
    }

    static func contains(_ pattern: [UInt8], in haystack: ArraySlice<UInt8>) -> Bool {
        firstIndex(of: pattern, in: haystack) != nil
    }

    /// Whether `pattern` occurs at `index`, comparing ASCII case-insensitively
    /// (`pattern` must already be lower-case).
    static func matches(_ pattern: [UInt8], in haystack: ArraySlice<UInt8>, at index: Int) -> Bool {
        guard index >= haystack.startIndex, haystack.endIndex - index >= pattern.count else {
            return false
        }
        var offset = 0
        while offset < pattern.count {
            if lower(haystack[index + offset]) != pattern[offset] { return false }
            offset += 1
        }
        return true
    }

    static func hasPrefix(_ pattern: [UInt8], _ bytes: ArraySlice<UInt8>) -> Bool {
        matches(pattern, in: bytes, at: bytes.startIndex)
    }

    /// Text from bytes that are UTF-8 when valid, Windows-1252 otherwise.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        Charset.decode(bytes, label: nil)
    }
}
