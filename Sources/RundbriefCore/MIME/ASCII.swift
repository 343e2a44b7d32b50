/// Byte constants and helpers shared by the encoders.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let dot: UInt8 = 0x2E
    static let equals: UInt8 = 0x3D
    static let question: UInt8 = 0x3F
    static let underscore: UInt8 = 0x5F
    static let capitalF: UInt8 = 0x46
    static let crlf: [UInt8] = [0x0D, 0x0A]
    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let lowercaseHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Converts CRLF, lone CR and lone LF to CRLF, the canonical form of text in MIME.
    static func canonicalLineBreaks(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 64)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == lf {
                if !previousWasCR { output.append(contentsOf: crlf) }
                previousWasCR = false
            } else {
                previousWasCR = byte == cr
                if previousWasCR { output.append(contentsOf: crlf) } else { output.append(byte) }
            }
        }
        return output
    }
}
