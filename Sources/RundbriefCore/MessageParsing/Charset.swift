import Foundation

/// Turns bytes in a declared (and often wrongly declared) charset into text.
///
/// Follows the web's habits: Latin-1 and US-ASCII labels are read as Windows-1252,
/// invalid UTF-8 falls back to Windows-1252, and an unknown label is guessed from the bytes.
enum Charset {
    static func decode(_ bytes: some Collection<UInt8>, label: String?) -> String {
        let isASCII = bytes.withContiguousStorageIfAvailable { buffer in buffer.allSatisfy { $0 < 0x80 }
        }
        if isASCII ?? bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        switch normalized(label) {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819",
            "windows-1252",
            "cp1252", "x-cp1252", "ibm819":
            return windows1252(bytes)
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9", "l9", "iso_8859-15":
            return latin9(bytes)
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
        case "euc-jp": .japaneseEUC
        case "iso-2022-jp": .iso2022JP
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
