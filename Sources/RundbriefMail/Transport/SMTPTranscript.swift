/// Follows one SMTP transaction through libcurl's debug callback: which command was sent last
/// (hence the stage) and the server's replies.
///
/// libcurl's error buffer keeps only a summary, so the reply lines are captured here as they arrive.
/// Commands are matched by their verb only and never stored: `AUTH` lines carry credentials.
final class SMTPTranscript {
    private(set) var stage: SMTPStage = .connect
    /// The lines of the last complete reply; parsed only when asked for (a message sees four replies,
    /// and only the last one is read).
    private var lastReplyLines: [String] = []
    private var pendingLines: [String] = []
    private var partialLine: [UInt8] = []
    /// After QUIT (libcurl closes a failed transaction's connection) replies no longer describe the message.
    private var isClosing = false

    /// Starts a new transaction; on a reused connection the first command is `MAIL FROM`.
    /// The last complete reply of the transaction.
    var lastReply: SMTPReply? { lastReplyLines.isEmpty ? nil : SMTPReply(lines: lastReplyLines) }

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
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                finishLine()
            } else if byte != UInt8(ascii: "\r") {
                partialLine.append(byte)
            }
        }
    }

    private func finishLine() {
        let line = String(decoding: partialLine, as: UTF8.self)
        partialLine.removeAll(keepingCapacity: true)
        guard SMTPReply.code(of: line) != nil else { return }
        pendingLines.append(line)
        if SMTPReply.isFinalLine(line) {
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

    private static func stage(forCommand bytes: UnsafeRawBufferPointer) -> SMTPStage? {
        for entry in commandStages where bytes.count >= entry.prefix.count {
            if zip(entry.prefix, bytes).allSatisfy({ $0 == ($1 & 0xDF) || $0 == $1 }) {
                return entry.stage
            }
        }
        return nil
    }
}
