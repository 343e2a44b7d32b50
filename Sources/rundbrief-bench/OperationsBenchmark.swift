import ArgumentParser
import Foundation
import Logging
import RundbriefDaemon
import RundbriefMail
import RundbriefStore

/// `rundbrief-bench ops`: what operations cost the daemon while it sends — the status/metrics refresh
/// query on a large send (it runs every delivery.progress_interval_seconds), and log lines per second
/// through the journal handler.
struct OperationsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "Status refresh query cost and journal log handler throughput.")

    @Option(help: "Deliveries in the running send.") var deliveries = 1_000_000
    @Option(help: "Log lines to format.") var lines = 500_000

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rundbrief-bench-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("bench.sqlite").path)
        let fill = try measure { try database.fillWithRunningSend(deliveries: deliveries) }
        print("populate: \(deliveries) deliveries in \(format(fill)) s")
        _ = try await database.operationsSnapshot()
        let rounds = 10
        let query = try await measureAsync {
            for _ in 0..<rounds { _ = try await database.operationsSnapshot() }
        }
        print("status snapshot: \(format(query / Double(rounds) * 1000)) ms per refresh")
        let logging = measure { Self.formatLines(lines) }
        print("journal handler: \(Int(Double(lines) / logging)) lines/s (formatting, no I/O)")
    }

    static func formatLines(_ count: Int) {
        let handler = JournalLogHandler(
            label: "bench", format: .journal, levelSwitch: LogLevelSwitch(.info), write: { _ in })
        var logger = Logger(label: "bench") { _ in handler }
        logger[metadataKey: "send.id"] = "1"
        for index in 0..<count {
            logger.info(
                "deferred",
                metadata: ["subscriber.id": "\(index)", "smtp.code": "451", "edition": "iii-2025"])
        }
    }
}

private func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    return seconds(ContinuousClock.now - start)
}

private func measureAsync(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return seconds(ContinuousClock.now - start)
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func format(_ value: Double) -> String {
    String(format: "%.2f", value)
}
