import Foundation

/// The bytes of one encoded word being filled, with its length under Q and B.
struct EncodedWordChunk {
    private var bytes: [UInt8] = []
    private var qPayload = 0
    /// The longest word this chunk may become.
    var maxLength: Int

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    var isEmpty: Bool { bytes.isEmpty }

    /// Characters Q may leave literal: the RFC 2047 §5(3) set, safe even in phrases.
    static func isQSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x21, 0x2A, 0x2B, 0x2D, 0x2F, ASCII.space: true
        default: false
        }
    }

    func fits(_ more: [UInt8]) -> Bool {
        let q = EncodedWord.wordLength(qPayload: qPayload + Self.qCost(more))
        let b = EncodedWord.wordLength(bytes: bytes.count + more.count)
        return min(q, b) <= maxLength
    }

    mutating func append(_ more: [UInt8]) {
        bytes.append(contentsOf: more)
        qPayload += Self.qCost(more)
    }

    /// Returns the shorter of the Q and B words for the bytes so far and empties the chunk.
    mutating func flush() -> String {
        defer {
            bytes.removeAll(keepingCapacity: true)
            qPayload = 0
        }
        if EncodedWord.wordLength(qPayload: qPayload) <= EncodedWord.wordLength(bytes: bytes.count) {
            return "=?utf-8?q?" + qEncoded() + "?="
        }
        return "=?utf-8?b?" + Data(bytes).base64EncodedString() + "?="
    }

    private func qEncoded() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(qPayload)
        for byte in bytes {
            if byte == ASCII.space {
                output.append(ASCII.underscore)
            } else if Self.isQSafe(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [
                    ASCII.equals, ASCII.hexDigits[Int(byte >> 4)], ASCII.hexDigits[Int(byte & 0x0F)],
                ])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func qCost(_ bytes: [UInt8]) -> Int {
        bytes.reduce(0) { $0 + (isQSafe($1) ? 1 : 3) }
    }
}
