import ArgumentParser
import Foundation
import RundbriefCore

/// Parses every message in a directory (recursively) over and over on one core and
/// prints messages per second and throughput.
struct BounceParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce-parse",
        abstract: "Bounce parsing throughput over a directory of messages (.eml), on one core."
    )

    @Argument(
        help: "Directory with messages; every regular file ending in .eml (or .msg, .txt) is read.")
    var directory: String

    @Option(help: "Minimum seconds to run.")
    var seconds: Double = 5

    func run() throws {
        let messages = try loadMessages()
        guard !messages.isEmpty else { throw ValidationError("no messages found in \(directory)") }
        let parser = BounceParser(verpDeliveryID: { $0.hasPrefix("bounces+") ? 1 : nil })
        let bytes = messages.reduce(0) { $0 + $1.count }
        var kinds: [BounceReport.Kind: Int] = [:]
        for message in messages { kinds[parser.parse(message).kind, default: 0] += 1 }

        let clock = ContinuousClock()
        let start = clock.now
        var parsed = 0
        var rounds = 0
        var sink = 0
        while clock.now - start < .seconds(seconds) {
            for message in messages { sink &+= parser.parse(message).recipients.count }
            parsed += messages.count
            rounds += 1
        }
        let elapsed = clock.now - start
        let secondsTaken =
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let kindList = kinds.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            "\($0.key.rawValue)=\($0.value)"
        }
        print("messages: \(messages.count) (\(bytes) bytes; \(kindList.joined(separator: " ")))")
        print(
            String(
                format: "parsed %d messages in %.2f s: %.0f messages/s, %.1f MB/s (checksum %d)",
                parsed, secondsTaken, Double(parsed) / secondsTaken,
                Double(bytes * rounds) / secondsTaken / 1e6, sink))
    }

    private func loadMessages() throws -> [[UInt8]] {
        let root = URL(fileURLWithPath: directory)
        let files =
            FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }
            .filter { ["eml", "msg", "txt"].contains($0.pathExtension) } ?? []
        return try files.sorted { $0.path < $1.path }.map { Array(try Data(contentsOf: $0)) }
    }
}
