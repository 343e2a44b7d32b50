/// Follows the opening of an SMTP connection (greeting, EHLO, STARTTLS, AUTH) through libcurl's
/// debug callback: which command was sent last (hence the stage a failure happened at), the
/// server's last reply, and the extensions its last EHLO reply announced.
///
/// libcurl's error buffer keeps only a summary, so the reply lines are captured here as they arrive.
/// Commands are matched by their verb only and never stored: `AUTH` lines carry credentials.
final class SMTPTranscript {
    private(set) var stage: SMTPStage = .connect
    /// What the last EHLO reply announced; nothing when the server only took HELO.
    private(set) var extensions = SMTPExtensions()
    private var reader = SMTPReplyReader()
    private var lastReplyLines: [[UInt8]] = []
    private var awaitingEHLO = false

    /// The last complete reply of the opening.
    var lastReply: SMTPReply? { SMTPReplyReader.reply(lastReplyLines) }

    /// Starts a new connection's opening.
    func reset() {
        stage = .connect
        extensions = SMTPExtensions()
        reader = SMTPReplyReader()
        lastReplyLines.removeAll()
        awaitingEHLO = false
    }

    /// Records a command libcurl sent (`CURLINFO_HEADER_OUT`).
    func commandSent(_ bytes: UnsafeRawBufferPointer) {
        guard let stage = Self.stage(forCommand: bytes) else { return }
        self.stage = stage
        awaitingEHLO = Self.matches(Self.ehlo, bytes)
        if Self.matches(Self.helo, bytes) { extensions = SMTPExtensions() }
    }

    /// Records reply bytes from the server (`CURLINFO_HEADER_IN`), which may hold several lines or part of one.
    func replyReceived(_ bytes: UnsafeRawBufferPointer) {
        reader.append(bytes)
        while let lines = reader.nextReply() {
            lastReplyLines = lines
            if awaitingEHLO {
                awaitingEHLO = false
                extensions = SMTPExtensions(ehloReply: lines)
            }
        }
    }

    /// Prefixes are matched with their separator so that a base64 `AUTH LOGIN` continuation line can
    /// never look like a command (base64 has no spaces or colons).
    private static let commandStages: [(prefix: [UInt8], stage: SMTPStage)] = [
        (ehlo, .connect), (helo, .connect),
        (Array("STARTTLS".utf8), .tls),
        (Array("AUTH ".utf8), .auth),
    ]
    private static let ehlo = Array("EHLO ".utf8)
    private static let helo = Array("HELO ".utf8)

    private static func matches(_ prefix: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= prefix.count && zip(prefix, bytes).allSatisfy { $0 == ($1 & 0xDF) || $0 == $1 }
    }

    private static func stage(forCommand bytes: UnsafeRawBufferPointer) -> SMTPStage? {
        commandStages.first { matches($0.prefix, bytes) }?.stage
    }
}
