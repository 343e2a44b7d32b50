import Foundation
import RundbriefCore
import Testing

/// The corpus under Fixtures/bounces/<kind>/: each `.eml` with the expected result next to it.
enum BounceFixtures {
    struct Sample: CustomTestStringConvertible, Sendable {
        var name: String
        var message: [UInt8]
        var expected: Expected

        var testDescription: String { name }
    }

    struct Expected: Decodable, Sendable {
        struct Recipient: Decodable, Sendable {
            var address: String
            var permanent: Bool
            var status: String?
            var action: String?
            var senderBlocked: Bool?
            var remoteMTA: String?
            var diagnosticContains: String?
            var reason: String?
        }

        var kind: String
        var recipients: [Recipient]
        var delivery: String?
        var senderBlocked: Bool?
        var feedbackType: String?
        var reportingMTA: String?
        var originalMessageID: String?
    }

    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/bounces")
    }

    static func all() -> [Sample] { load().samples }

    /// Every `.eml` with its expected JSON; a message without a readable, decodable `.json`
    /// next to it, or a `.json` without its message, is a failure, named with the reason, never
    /// silently skipped.
    static func load() -> (samples: [Sample], failures: [String]) {
        let all =
            FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        let files = all.filter { $0.pathExtension == "eml" }
        var samples: [Sample] = []
        var failures: [String] = []
        for json in all where json.pathExtension == "json" {
            let message = json.deletingPathExtension().appendingPathExtension("eml")
            if !FileManager.default.fileExists(atPath: message.path) {
                failures.append("\(json.lastPathComponent): no \(message.lastPathComponent) beside it")
            }
        }
        for url in files.sorted(by: { $0.path < $1.path }) {
            let name =
                url.deletingLastPathComponent().lastPathComponent + "/"
                + url.deletingPathExtension().lastPathComponent
            let expectedURL = url.deletingPathExtension().appendingPathExtension("json")
            do {
                let message = try Data(contentsOf: url)
                let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expectedURL))
                samples.append(Sample(name: name, message: Array(message), expected: expected))
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        return (samples, failures)
    }

    /// Stands in for the signed-token check: `bounces+<id>-ok@…` resolves, any other signature does not.
    static let resolver: @Sendable (String) -> Int64? = { address in
        guard address.hasPrefix("bounces+"), let at = address.lastIndex(of: "@") else { return nil }
        let token = address[address.index(address.startIndex, offsetBy: 8)..<at]
        let pieces = token.split(separator: "-")
        guard pieces.count == 2, pieces[1] == "ok" else { return nil }
        return Int64(pieces[0])
    }
}
