/// base64url without padding (RFC 4648 section 5), strict on decoding.
///
/// Decoding rejects padding, foreign characters and non-zero trailing bits, so every byte
/// string has exactly one spelling and a token cannot be altered without changing its bytes.
enum Base64URL {
    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                output.append(alphabet[Int((group >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count * 3 / 4)
        var index = 0
        while index < characters.count {
            let chunk = characters[index..<min(index + 4, characters.count)]
            var group: UInt32 = 0
            for (offset, character) in chunk.enumerated() {
                let value = values[Int(character)]
                guard value != 0xFF else { return nil }
                group |= UInt32(value) << (18 - 6 * offset)
            }
            let byteCount = chunk.count - 1
            for position in 0..<byteCount { output.append(UInt8((group >> (16 - 8 * position)) & 0xFF)) }
            // Bits below the last whole byte must be zero, or two spellings would decode alike.
            guard group & (0xFF_FFFF >> (8 * byteCount)) == 0 else { return nil }
            index += 4
        }
        return output
    }
}
