import Foundation

/// Turns bytes in a declared (and often wrongly declared) charset into text.
///
/// Follows the web's habits: Latin-1 and US-ASCII labels are read as Windows-1252,
/// invalid UTF-8 falls back to Windows-1252, and an unknown label is guessed from the bytes.
enum Charset {
    static func decode(_ bytes: some Collection<UInt8>, label: String?) -> String {
        let isASCII = bytes.withContiguousStorageIfAvailable { buffer in buffer.allSatisfy { $0 < 0x80 }
        }
        if isASCII ?? bytes.allSatisfy({ $0 < 0x80 }) {
            // ISO-2022-JP is 7-bit: its escape sequences switch to JIS X 0208, often under a
            // missing or "us-ascii" label.
            if bytes.contains(0x1B), let text = String(bytes: Array(bytes), encoding: .iso2022JP) { return text }
            return String(decoding: bytes, as: UTF8.self)
        }
        switch normalized(label) {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819",
            "windows-1252",
            "cp1252", "x-cp1252", "ibm819":
            return windows1252(bytes)
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9", "l9", "iso_8859-15":
            return latin9(bytes)
        case "koi8-r", "koi8r", "cskoi8r", "koi8":
            return koi8(bytes, ukrainian: false)
        case "koi8-u", "koi8u", "koi8-ru":
            return koi8(bytes, ukrainian: true)
        case "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese":
            return eucJP(bytes)
        case let name?:
            if let encoding = foundationEncoding(name),
                let text = String(bytes: Array(bytes), encoding: encoding)
            {
                return text
            }
            return guess(bytes)
        case nil:
            return guess(bytes)
        }
    }

    private static func normalized(_ label: String?) -> String? {
        guard let label else { return nil }
        let trimmed = label.trimmingCharacters(in: CharacterSet(charactersIn: "\"' \t")).lowercased()
        return trimmed.isEmpty || trimmed == "utf-8" || trimmed == "utf8" || trimmed == "us-ascii"
            ? nil : trimmed
    }

    private static func guess(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1252(bytes)
    }

    private static func foundationEncoding(_ name: String) -> String.Encoding? {
        switch name {
        case "iso-8859-2", "latin2", "iso8859-2": .isoLatin2
        case "windows-1250", "cp1250": .windowsCP1250
        case "windows-1251", "cp1251": .windowsCP1251
        case "windows-1253", "cp1253": .windowsCP1253
        case "windows-1254", "cp1254": .windowsCP1254
        case "shift_jis", "shift-jis", "sjis", "cp932", "windows-31j": .shiftJIS
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-2", "iso-2022-jp-3": .iso2022JP
        case "utf-16": .utf16
        case "utf-16le": .utf16LittleEndian
        case "utf-16be": .utf16BigEndian
        default: nil
        }
    }

    /// Windows-1252's printable characters in 0x80–0x9F; the rest of the range is Latin-1.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte >= 0x80 && byte < 0xA0 ? cp1252High[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// KOI8-R's upper half (0x80–0xFF); KOI8-U differs in eight positions (Ukrainian letters).
    private static let koi8High: [UInt32] = [
        0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524, 0x252C, 0x2534, 0x253C, 0x2580,
        0x2584, 0x2588, 0x258C, 0x2590, 0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,
        0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7, 0x2550, 0x2551, 0x2552, 0x0451,
        0x2553, 0x2554, 0x2555, 0x2556, 0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x255C, 0x255D, 0x255E,
        0x255F, 0x2560, 0x2561, 0x0401, 0x2562, 0x2563, 0x2564, 0x2565, 0x2566, 0x2567, 0x2568, 0x2569,
        0x256A, 0x256B, 0x256C, 0x00A9, 0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,
        0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F, 0x044F, 0x0440, 0x0441,
        0x0442, 0x0443, 0x0436, 0x0432, 0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,
        0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413, 0x0425, 0x0418, 0x0419, 0x041A,
        0x041B, 0x041C, 0x041D, 0x041E, 0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,
        0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,
    ]
    private static let koi8UDifferences: [UInt8: UInt32] = [
        0xA4: 0x0454, 0xA6: 0x0456, 0xA7: 0x0457, 0xAD: 0x0491, 0xB4: 0x0404, 0xB6: 0x0406, 0xB7: 0x0407, 0xBD: 0x0490,
    ]

    private static func koi8(_ bytes: some Collection<UInt8>, ukrainian: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            var value = byte < 0x80 ? UInt32(byte) : koi8High[Int(byte) - 0x80]
            if ukrainian, let letter = koi8UDifferences[byte] { value = letter }
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    private enum JISMode { case ascii, kanji, kana }

    /// EUC-JP, which Foundation on Linux lacks, rewritten as the ISO-2022-JP it maps onto
    /// (JIS X 0208 pairs with the high bits cleared, half-width katakana as JIS X 0201).
    /// JIS X 0212 (0x8F) triples have no ISO-2022-JP form and become "?".
    private static func eucJP(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 2)
        var mode = JISMode.ascii
        func switchTo(_ wanted: JISMode) {
            guard mode != wanted else { return }
            switch wanted {
            case .ascii: output.append(contentsOf: [0x1B, 0x28, 0x42])
            case .kanji: output.append(contentsOf: [0x1B, 0x24, 0x42])
            case .kana: output.append(contentsOf: [0x1B, 0x28, 0x49])
            }
            mode = wanted
        }
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte >= 0xA1, byte <= 0xFE, index + 1 < input.count, input[index + 1] >= 0xA1, input[index + 1] <= 0xFE {
                switchTo(.kanji)
                output.append(byte & 0x7F)
                output.append(input[index + 1] & 0x7F)
                index += 2
            } else if byte == 0x8E, index + 1 < input.count, input[index + 1] >= 0xA1, input[index + 1] <= 0xDF {
                switchTo(.kana)
                output.append(input[index + 1] & 0x7F)
                index += 2
            } else if byte == 0x8F, index + 2 < input.count {
                switchTo(.ascii)
                output.append(UInt8(ascii: "?"))
                index += 3
            } else {
                switchTo(.ascii)
                output.append(byte < 0x80 && byte != 0x1B ? byte : UInt8(ascii: "?"))
                index += 1
            }
        }
        switchTo(.ascii)
        return String(bytes: output, encoding: .iso2022JP) ?? windows1252(bytes)
    }

    /// ISO-8859-15 differs from Latin-1 in eight positions (the euro sign among them).
    private static func latin9(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32 =
                switch byte {
                case 0xA4: 0x20AC
                case 0xA6: 0x0160
                case 0xA8: 0x0161
                case 0xB4: 0x017D
                case 0xB8: 0x017E
                case 0xBC: 0x0152
                case 0xBD: 0x0153
                case 0xBE: 0x0178
                default: UInt32(byte)
                }
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}
