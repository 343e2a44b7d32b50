import Foundation
public import RundbriefCore
import RundbriefMail
import RundbriefStore

extension Operations {
    /// How many addresses one test-send may reach.
    public static let maxTestRecipients = 10

    /// What a test-send did for one address.
    public struct TestSendResult: Sendable, Equatable {
        /// The address, normalised.
        public var address: String
        /// Whether the relay accepted the message.
        public var delivered: Bool
        /// The relay's reply ("250 2.0.0 Ok"), or why there was none.
        public var reply: String
    }

    /// The addresses of a test-send, as people type them: separated by commas, semicolons, spaces or
    /// lines, each given once. Refused: none, more than ``maxTestRecipients``, or one that is not an address.
    public static func testRecipients(_ entries: [String]) throws(OperationError) -> [EmailAddress] {
        let separators = CharacterSet(charactersIn: ",;").union(.whitespacesAndNewlines)
        let words = entries.flatMap { $0.components(separatedBy: separators) }.filter { !$0.isEmpty }
        var addresses: [EmailAddress] = []
        for word in words {
            let address = try Self.address(word)
            if !addresses.contains(where: { $0.value.lowercased() == address.value.lowercased() }) {
                addresses.append(address)
            }
        }
        guard !addresses.isEmpty else {
            throw OperationError(.invalid, "give at least one address to send the test to")
        }
        guard addresses.count <= maxTestRecipients else {
            throw OperationError(
                .invalid, "a test goes to at most \(maxTestRecipients) addresses (\(addresses.count) given)")
        }
        return addresses
    }

    /// Sends one marked copy of the edition to each address now, through `[smtp]` over one connection
    /// (the subject starts with "[TEST]"; see `TestSendMarking`). Rendering and SQLite run on a thread of
    /// their own and libcurl on the transport's, never on the Swift concurrency pool.
    /// - Parameter entries: the addresses (see ``testRecipients(_:)``).
    /// - Returns: one result per address, in the order given; a refused address is a result, not an error.
    /// - Throws: ``OperationError`` for bad addresses, an unknown or unrenderable edition, or a bad `[smtp]`.
    public func testSend(_ slug: String, to entries: [String]) async throws(OperationError) -> [TestSendResult] {
        _ = try await onOwnThread { [self] () throws(OperationError) in try edition(slug) }
        let addresses = try Self.testRecipients(entries)
        let messages = try await onOwnThread { [self] () throws(OperationError) in
            try addresses.map { address throws(OperationError) in
                try editionMessage(slug, to: address, marked: true)
            }
        }
        var settings = CurlSMTPTransport.Configuration(smtp: configuration.smtp)
        settings.concurrency = 1
        let transport: CurlSMTPTransport
        do {
            transport = try CurlSMTPTransport(configuration: settings)
        } catch {
            throw OperationError(.configuration, "configuration error: smtp.url: \(error)")
        }
        var results: [TestSendResult] = []
        for message in messages {
            let outcome = await transport.send(message)
            let reply = outcome.reply.map { "\($0.code) \($0.text)" } ?? outcome.detail ?? ""
            results.append(
                TestSendResult(
                    address: message.recipient, delivered: outcome.isDelivered,
                    reply: outcome.isDelivered
                        ? reply : "not sent (\(outcome.classification), at \(outcome.stage)): \(reply)"
                ))
        }
        await transport.shutdown()
        let (count, delivered) = (results.count, results.filter(\.delivered).count)
        try await onOwnThread { [self] () throws(OperationError) in
            audit.record(
                "edition.test-sent",
                fields: ["edition": slug, "recipients": "\(count)", "delivered": "\(delivered)"], at: now)
        }
        return results
    }
}

/// Runs blocking work (SQLite, rendering) on a thread of its own and waits for it without holding a
/// thread of the Swift concurrency pool.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws(OperationError) -> T) async throws(OperationError)
    -> T
{
    let result: Result<T, OperationError> = await withCheckedContinuation { continuation in
        let thread = Thread {
            continuation.resume(returning: Result { () throws(OperationError) -> T in try work() })
        }
        thread.name = "rundbrief-operation"
        thread.start()
    }
    return try result.get()
}
