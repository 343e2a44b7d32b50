/// Cuts the bytes an SMTP server sends into replies (RFC 5321 §4.2): `250-first` lines continue a
/// reply, `250 last` (or a bare `250`) ends it. Lines that do not start with three digits belong to no
/// reply and are skipped. Works on bytes: every message sees four replies, and only a failure's or the
/// last one is ever turned into text.
struct SMTPReplyReader {
    private var buffer: [UInt8] = []
    /// Where the unread bytes of `buffer` start.
    private var start = 0
    private var pending: [[UInt8]] = []

    /// At most this many bytes of one line are kept (RFC 5321 allows 512): a server that never ends
    /// a line cannot grow the buffer without bound.
    static let maximumLineLength = 4096

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply's lines (without CR LF), or `nil` until one has arrived.
    mutating func nextReply() -> [[UInt8]]? {
        while let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var lineEnd = end
            if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = Array(buffer[start..<min(lineEnd, start + Self.maximumLineLength)])
            start = end + 1
            guard line.count >= 3, line.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }) else { continue }
            pending.append(line)
            if line.count == 3 || line[3] != UInt8(ascii: "-") {
                defer { pending.removeAll(keepingCapacity: true) }
                compact()
                return pending
            }
        }
        if buffer.count - start > Self.maximumLineLength {
            // An endless line: keep its start only; the rest is dropped until its end arrives.
            buffer.removeSubrange((start + Self.maximumLineLength)...)
        }
        compact()
        return nil
    }

    private mutating func compact() {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeSubrange(..<start)
            start = 0
        }
    }

    /// The reply code of a reply's lines.
    static func code(_ lines: [[UInt8]]) -> Int {
        guard let first = lines.first, first.count >= 3 else { return 0 }
        return first.prefix(3).reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// The reply as text; `nil` for no lines.
    static func reply(_ lines: [[UInt8]]) -> SMTPReply? {
        guard !lines.isEmpty else { return nil }
        return SMTPReply(lines: lines.map { String(decoding: $0, as: UTF8.self) })
    }
}

/// The ESMTP extensions (RFC 5321 §4.1.1.1) a relay announced in its EHLO reply that a transaction uses.
struct SMTPExtensions: Equatable {
    /// RFC 2920: commands may be sent in groups without waiting for each reply.
    var pipelining = false
    /// RFC 1870: `MAIL FROM` may say the message's size, so an oversized one is refused before DATA.
    var size = false
    /// RFC 6152: `BODY=8BITMIME` may announce a body with 8-bit text.
    var eightBitMIME = false
    /// RFC 6531: addresses may be UTF-8 when `MAIL FROM` says `SMTPUTF8`.
    var smtpUTF8 = false

    init() {}

    /// Reads the keywords of an EHLO reply's lines (the first line is the server's name).
    init(ehloReply lines: [[UInt8]]) {
        for line in lines.dropFirst() where line.count > 4 {
            let keyword = line[4...].prefix { $0 != UInt8(ascii: " ") }.map { $0 & 0xDF }
            switch keyword {
            case Self.pipeliningKeyword: pipelining = true
            case Self.sizeKeyword: size = true
            case Self.eightBitMIMEKeyword: eightBitMIME = true
            case Self.smtpUTF8Keyword: smtpUTF8 = true
            default: break
            }
        }
    }

    // Upper-cased by clearing bit 5, which leaves digits 8 (0x38) and 1 (0x31) as 0x18 and 0x11.
    private static let pipeliningKeyword = Array("PIPELINING".utf8)
    private static let sizeKeyword = Array("SIZE".utf8)
    private static let eightBitMIMEKeyword = Array("8BITMIME".utf8).map { $0 & 0xDF }
    private static let smtpUTF8Keyword = Array("SMTPUTF8".utf8).map { $0 & 0xDF }
}
