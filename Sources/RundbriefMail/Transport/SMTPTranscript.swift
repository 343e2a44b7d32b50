/// Follows one SMTP transaction through libcurl's debug callback: which command was sent last
/// (hence the stage) and the server's replies.
///
/// libcurl's error buffer keeps only a summary, so the reply lines are captured here as they arrive.
/// Commands are matched by their verb only and never stored: `AUTH` lines carry credentials.
final class SMTPTranscript {
    private(set) var stage: SMTPStage = .connect
    /// The lines of the last complete reply, each ending in LF, kept as bytes: a message sees four
    /// replies and only the last one is read, so it is parsed only when asked for.
    private var lastReplyLines: [UInt8] = []
    private var pendingLines: [UInt8] = []
    private var partialLine: [UInt8] = []
    /// After QUIT (libcurl closes a failed transaction's connection) replies no longer describe the message.
    private var isClosing = false

    /// The last complete reply of the transaction.
    var lastReply: SMTPReply? {
        guard !lastReplyLines.isEmpty else { return nil }
        return SMTPReply(
            lines: lastReplyLines.dropLast().split(separator: Self.lf, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            })
    }

    /// Starts a new transaction; on a reused connection the first command is `MAIL FROM`.
    func reset() {
        stage = .connect
        lastReplyLines.removeAll(keepingCapacity: true)
        isClosing = false
        pendingLines.removeAll(keepingCapacity: true)
        partialLine.removeAll(keepingCapacity: true)
    }

    /// Records a command libcurl sent (`CURLINFO_HEADER_OUT`).
    func commandSent(_ bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: Self.quit) {
            isClosing = true
        } else if let stage = Self.stage(forCommand: bytes) {
            self.stage = stage
        }
    }

    /// Records that message content went out (`CURLINFO_DATA_OUT`): the next reply is the end-of-data one.
    func messageDataSent() {
        if stage == .data {
            stage = .endOfData
        }
    }

    /// Records reply bytes from the server (`CURLINFO_HEADER_IN`), which may hold several lines or part of one.
    func replyReceived(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosing else { return }
        var rest = bytes[...]
        while let end = rest.firstIndex(of: Self.lf) {
            partialLine.append(contentsOf: rest[..<end])
            finishLine()
            rest = rest[(end + 1)...]
        }
        partialLine.append(contentsOf: rest)
    }

    private func finishLine() {
        partialLine.removeAll { $0 == Self.cr }
        defer { partialLine.removeAll(keepingCapacity: true) }
        // Only lines starting with a three-digit code belong to a reply.
        guard partialLine.count >= 3, partialLine.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }) else {
            return
        }
        pendingLines.append(contentsOf: partialLine)
        pendingLines.append(Self.lf)
        // `250 text` or a bare `250` ends the reply; `250-text` continues it.
        if partialLine.count == 3 || partialLine[3] != UInt8(ascii: "-") {
            swap(&lastReplyLines, &pendingLines)
            pendingLines.removeAll(keepingCapacity: true)
        }
    }

    /// Prefixes are matched with their separator so that a base64 `AUTH LOGIN` continuation line can
    /// never look like a command (base64 has no spaces or colons).
    private static let commandStages: [(prefix: [UInt8], stage: SMTPStage)] = [
        (Array("EHLO ".utf8), .connect), (Array("HELO ".utf8), .connect),
        (Array("STARTTLS".utf8), .tls),
        (Array("AUTH ".utf8), .auth), (Array("MAIL FROM:".utf8), .mailFrom),
        (Array("RCPT TO:".utf8), .rcptTo),
        (Array("DATA\r".utf8), .data),
    ]

    private static let quit = Array("QUIT".utf8)
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private static func stage(forCommand bytes: UnsafeRawBufferPointer) -> SMTPStage? {
        for entry in commandStages where bytes.count >= entry.prefix.count {
            if zip(entry.prefix, bytes).allSatisfy({ $0 == ($1 & 0xDF) || $0 == $1 }) {
                return entry.stage
            }
        }
        return nil
    }
}
