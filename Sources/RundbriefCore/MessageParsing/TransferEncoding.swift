/// Content-Transfer-Encoding decoders; both tolerate the damage real mail carries
/// (stray characters, missing padding, broken escapes) instead of failing.
enum TransferEncoding {
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.lowercased() {
        case "base64": base64(bytes)
        case "quoted-printable": quotedPrintable(bytes)
        default: Array(bytes)
        }
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
            .enumerated()
        {
            table[Int(byte)] = UInt8(index)
        }
        table[Int(UInt8(ascii: "-"))] = 62  // base64url, seen in the wild
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    static func base64(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            if byte == UInt8(ascii: "=") { break }
            let value = base64Values[Int(byte)]
            if value == 0xFF { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }

    static func quotedPrintable(_ bytes: ArraySlice<UInt8>, underscoreIsSpace: Bool = false)
        -> [UInt8]
    {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") && underscoreIsSpace {
                output.append(32)
            } else if byte == UInt8(ascii: "=") {
                if let skip = softBreakLength(bytes, after: index) {
                    index += skip + 1
                    continue
                }
                if index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]),
                    let low = hex(bytes[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// The length of a soft line break ("=" then optional blanks then CRLF or LF) after `index`.
    private static func softBreakLength(_ bytes: ArraySlice<UInt8>, after index: Int) -> Int? {
        var cursor = index + 1
        while cursor < bytes.endIndex, ByteText.isBlank(bytes[cursor]) { cursor += 1 }
        if cursor < bytes.endIndex, bytes[cursor] == ByteText.cr { cursor += 1 }
        if cursor < bytes.endIndex, bytes[cursor] == ByteText.lf { return cursor - index }
        return cursor == bytes.endIndex ? cursor - index - 1 : nil
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
