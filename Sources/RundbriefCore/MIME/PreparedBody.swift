import Crypto
import Foundation

/// A message body encoded once: the quoted-printable literal text of the parts,
/// with holes where per-recipient slot values go.
///
/// Every literal segment ends with a soft line break (or a hard one), so a
/// slot's value is encoded on its own starting at column 0 and spliced in; the
/// result decodes to the filled-in text. Line breaks (CRLF, CR, LF) become CRLF
/// per literal and per slot value, so a value ending in CR before a literal
/// starting with LF makes two line breaks, not one. The body
/// is canonical under DKIM relaxed rules by construction (see ``QuotedPrintable``).
struct PreparedBody: Sendable {
    private indirect enum Piece: Sendable {
        case bytes([UInt8])
        case slot(Slot, html: Bool)
        /// Encoded pieces written only when the slot's value decides so (`{{#name}}…{{/name}}`).
        case section(Slot, inverted: Bool, [Piece])
    }

    /// The headers describing the body (`Content-Type`, maybe `Content-Transfer-Encoding`).
    let headers: [HeaderField]
    private let pieces: [Piece]
    private let estimatedSize: Int
    /// SHA-256 state after the constant first piece, copied per message.
    private let prefixHash: SHA256
    private let prefixLength: Int
    /// Whether rendered bodies are already relaxed-canonical. A single part may end
    /// in empty lines, which relaxed canonicalization removes.
    private let isCanonical: Bool
    /// The body hash when the body has no slots: the same for every recipient.
    private let constantHash: SHA256Digest?

    /// A multipart/alternative body (text first, then HTML), or a single text/plain
    /// part when `html` is nil.
    init(text: PersonalizedText, html: PersonalizedText?) throws {
        var pieces: [Piece] = []
        if let html {
            let boundary = Self.boundary(text: text, html: html)
            headers = [
                try HeaderField(
                    name: "Content-Type", structured: "multipart/alternative; boundary=\"\(boundary)\"")
            ]
            Self.append(Array("--\(boundary)\r\n".utf8) + Self.partHeaders("text/plain"), to: &pieces)
            Self.append(text, html: false, to: &pieces)
            Self.append(Array("\r\n--\(boundary)\r\n".utf8) + Self.partHeaders("text/html"), to: &pieces)
            Self.append(html, html: true, to: &pieces)
            Self.append(Array("\r\n--\(boundary)--\r\n".utf8), to: &pieces)
        } else {
            headers = [
                try HeaderField(name: "Content-Type", structured: "text/plain; charset=utf-8"),
                try HeaderField(name: "Content-Transfer-Encoding", structured: "quoted-printable"),
            ]
            // The body must end in CRLF; ending the last line with a soft break adds no text.
            Self.append(text, html: false, finishLast: true, to: &pieces)
        }
        isCanonical = html != nil
        self.pieces = pieces
        estimatedSize = pieces.reduce(256) { size, piece in
            if case .bytes(let bytes) = piece { return size + bytes.count }
            return size + 64
        }
        var hasher = SHA256()
        if case .bytes(let first)? = pieces.first {
            hasher.update(data: first)
            prefixLength = first.count
        } else {
            prefixLength = 0
        }
        prefixHash = hasher
        if pieces.count == 1, case .bytes(let only) = pieces[0] {
            constantHash = SHA256.hash(data: isCanonical ? only : DKIMCanonicalization.relaxedBody(only))
        } else {
            constantHash = nil
        }
    }

    /// The encoded body with `value(slot)` filled in.
    func render(_ value: (Slot) -> String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(estimatedSize)
        Self.render(pieces, value, into: &output)
        return output
    }

    private static func render(_ pieces: [Piece], _ value: (Slot) -> String, into output: inout [UInt8]) {
        for piece in pieces {
            switch piece {
            case .bytes(let bytes):
                output.append(contentsOf: bytes)
            case .slot(let slot, let html):
                let text = html ? HTMLEntities.escape(value(slot)) : value(slot)
                var encoder = QuotedPrintableEncoder()
                encoder.encode(ASCII.canonicalLineBreaks(text), into: &output)
                encoder.finishSegment(into: &output)
            case .section(let slot, let inverted, let inner):
                if PersonalizedText.isShown(value(slot), inverted: inverted) { render(inner, value, into: &output) }
            }
        }
    }

    /// SHA-256 of the relaxed canonical form of a body returned by ``render(_:)``.
    func hash(of body: [UInt8]) -> SHA256Digest {
        if let constantHash { return constantHash }
        guard isCanonical else { return SHA256.hash(data: DKIMCanonicalization.relaxedBody(body)) }
        var hasher = prefixHash
        body.withUnsafeBufferPointer {
            hasher.update(
                bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[prefixLength...])))
        }
        return hasher.finalize()
    }

    private static func partHeaders(_ type: String) -> [UInt8] {
        Array(
            "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                .utf8)
    }

    private static func append(
        _ text: PersonalizedText, html: Bool, finishLast: Bool = false, to pieces: inout [Piece]
    ) {
        append(text.parts, html: html, finishLast: finishLast, to: &pieces)
    }

    /// Every literal but the text's very last ends its segment, so whatever follows (a slot, a
    /// section shown or left out) starts at column 0.
    private static func append(
        _ parts: [PersonalizedText.Part], html: Bool, finishLast: Bool, to pieces: inout [Piece]
    ) {
        for (index, part) in parts.enumerated() {
            switch part {
            case .literal(let literal):
                var encoder = QuotedPrintableEncoder()
                var encoded: [UInt8] = []
                encoder.encode(ASCII.canonicalLineBreaks(literal), into: &encoded)
                if finishLast || index < parts.count - 1 { encoder.finishSegment(into: &encoded) }
                append(encoded, to: &pieces)
            case .slot(let slot):
                pieces.append(.slot(slot, html: html))
            case .section(let slot, let inverted, let inner):
                var encoded: [Piece] = []
                append(inner, html: html, finishLast: true, to: &encoded)
                pieces.append(.section(slot, inverted: inverted, encoded))
            }
        }
    }

    private static func append(_ bytes: [UInt8], to pieces: inout [Piece]) {
        if case .bytes(let previous)? = pieces.last {
            pieces[pieces.count - 1] = .bytes(previous + bytes)
        } else {
            pieces.append(.bytes(bytes))
        }
    }

    /// `=_` cannot occur in quoted-printable output (`=` is always followed by a
    /// hex digit or CR), so no encoded line can look like the boundary.
    private static func boundary(text: PersonalizedText, html: PersonalizedText) -> String {
        var hasher = SHA256()
        for part in text.parts + [.literal("\0")] + html.parts {
            if case .literal(let literal) = part { hasher.update(data: Array(literal.utf8)) }
        }
        let hex = hasher.finalize().prefix(12).flatMap {
            [ASCII.hexDigits[Int($0 >> 4)], ASCII.hexDigits[Int($0 & 0x0F)]]
        }
        return "=_rb_" + String(decoding: hex, as: UTF8.self)
    }
}
