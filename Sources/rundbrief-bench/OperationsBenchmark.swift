import ArgumentParser
import Foundation
import GRDB
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
        let fill = try measure { try Self.populate(database, deliveries: deliveries) }
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

    static func populate(_ database: AppDatabase, deliveries: Int) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lists(id, slug, name, created_at) VALUES (1, 'verteiler', 'Verteiler', '2025-01-01');
                    INSERT INTO editions(id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                      VALUES (1, 'iii-2025', 'Newsletter III/2025', 'verteiler', '# x', '# x', '2025-01-01', '2025-01-01');
                    INSERT INTO sends(id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                      VALUES (1, 1, 1, 'running', '2025-01-01', '2025-01-01', '2025-01-01');
                    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                    INSERT INTO deliveries(send_id, domain, status, last_code, updated_at)
                    SELECT 1, 'example.de',
                           CASE x % 20 WHEN 0 THEN 'deferred' WHEN 1 THEN 'failed' WHEN 2 THEN 'sending'
                                       ELSE CASE WHEN x < ? / 2 THEN 'sent' ELSE 'queued' END END,
                           CASE x % 20 WHEN 0 THEN 451 WHEN 1 THEN 550 ELSE NULL END, '2025-01-01'
                    FROM n;
                    """, arguments: [deliveries, deliveries])
        }
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
