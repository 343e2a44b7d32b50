public import Foundation
import RundbriefCore
import RundbriefStore
import Synchronization

/// Writes each message into a directory instead of sending it: for previews, demos and tests.
///
/// Message `n` becomes `n.eml` (the exact bytes) with `n.json` beside it holding the envelope
/// (`mail_from`, `rcpt_tos`, `timestamp`), the same layout `Tests/Support/smtp_server.py` writes.
public final class FileTransport: MailTransport {
    /// Where the files go.
    public let directory: URL
    private let counter = Mutex(0)

    /// Creates the transport, creating `directory` if needed.
    /// - Throws: ``TransportError`` (`.invalidConfiguration`) when the directory cannot be created.
    public init(directory: URL) throws(TransportError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TransportError(
                .invalidConfiguration, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        counter.withLock { $0 = Self.highestNumber(in: directory) }
    }

    /// Writes the message; a failed write is `.connectionFailed` (retry later, not the recipient's fault).
    public func send(_ message: OutgoingMessage) async -> SMTPOutcome {
        let number = counter.withLock { value in
            value += 1
            return value
        }
        do {
            try write(message, number: number)
            return SMTPOutcome(
                classification: .delivered,
                stage: .endOfData,
                reply: SMTPReply(code: 250, enhancedStatus: "2.0.0", text: "written as \(number).eml")
            )
        } catch {
            return SMTPOutcome(
                classification: .connectionFailed, stage: .connect,
                detail: "\(number).eml: \(error.localizedDescription)")
        }
    }

    private func write(_ message: OutgoingMessage, number: Int) throws {
        let envelope: [String: any Sendable] = [
            "mail_from": message.envelopeFrom,
            "rcpt_tos": [message.recipient],
            "timestamp": Date().timeIntervalSince1970,
        ]
        let json = try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
        try PrivateFile.write(json, to: directory.appendingPathComponent("\(number).json").path)
        // The .eml comes last and atomically: a reader that sees it also sees its envelope.
        try PrivateFile.write(Data(message.data), to: directory.appendingPathComponent("\(number).eml").path)
    }

    /// Continues numbering after files already present, so a second run never overwrites the first.
    private static func highestNumber(in directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name in name.hasSuffix(".eml") ? Int(name.dropLast(4)) : nil }.max()
            ?? 0
    }
}
