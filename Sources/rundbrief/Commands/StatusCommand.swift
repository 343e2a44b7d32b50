import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefDaemon
import RundbriefMail
import RundbriefStore

/// `rundbrief status`: the operator's one-screen overview, read from the database and the daemon's
/// heartbeat file, so it works whether or not the daemon runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show whether the daemon runs, sends in progress, queue depth, recent errors and bounces.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON for scripts.")
    var json = false

    /// Everything `status --json` prints.
    struct Report: Encodable {
        var daemon: DaemonReport
        var database: String
        var operations: OperationsSnapshot
    }

    /// The daemon as its heartbeat file shows it.
    struct DaemonReport: Encodable {
        /// `running`, `stalled` (process there, heartbeat old) or `stopped`.
        var state: String
        var pid: Int32?
        var startedAt: Date?
        var heartbeatAt: Date?
        var activity: String?
        var listen: String?
    }

    func run() async throws {
        let operations = try reporting { try global.operations(readOnly: true) }
        let config = operations.configuration
        // The snapshot the console's dashboard shows too, with addresses in SMTP replies masked.
        let snapshot = try reporting { try operations.statusSnapshot() }
        let report = Report(
            daemon: Self.daemon(DaemonStateFile(databasePath: config.database.path), now: Date()),
            database: config.database.path, operations: snapshot)
        if json {
            try Self.printJSON(report)
        } else {
            StatusScreen(report: report, timeZone: config.delivery.timezone).print()
        }
    }

    /// Prints the report with snake_case keys, as every other `--json`; until the next release the
    /// camelCase keys of earlier versions stand beside them (README: "Operating Rundbrief").
    static func printJSON(_ report: Report) throws {
        func object(_ strategy: JSONEncoder.KeyEncodingStrategy) throws -> Any {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.keyEncodingStrategy = strategy
            return try JSONSerialization.jsonObject(with: try encoder.encode(report))
        }
        let merged = withLegacyKeys(try object(.convertToSnakeCase), camel: try object(.useDefaultKeys))
        let data = try JSONSerialization.data(
            withJSONObject: merged, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        Output.line(String(decoding: data, as: UTF8.self))
    }

    /// `snake` with every key of `camel` that differs added beside its snake_case twin.
    private static func withLegacyKeys(_ snake: Any, camel: Any) -> Any {
        if let camelArray = camel as? [Any], let snakeArray = snake as? [Any], camelArray.count == snakeArray.count {
            return zip(snakeArray, camelArray).map { withLegacyKeys($0, camel: $1) }
        }
        guard let camelObject = camel as? [String: Any], var result = snake as? [String: Any] else { return snake }
        for (key, value) in camelObject {
            let snakeKey = snakeCase(key)
            if let twin = result[snakeKey] { result[snakeKey] = withLegacyKeys(twin, camel: value) }
            if snakeKey != key, result[key] == nil { result[key] = value }
        }
        return result
    }

    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func daemon(_ file: DaemonStateFile, now: Date) -> DaemonReport {
        guard let state = file.read() else { return DaemonReport(state: "stopped") }
        guard DaemonStateFile.processExists(state.pid) else {
            return DaemonReport(state: "stopped", pid: state.pid, heartbeatAt: state.updatedAt)
        }
        let stale = now.timeIntervalSince(state.updatedAt) > 3 * max(state.intervalSeconds, 5)
        return DaemonReport(
            state: stale ? "stalled" : "running", pid: state.pid, startedAt: state.startedAt,
            heartbeatAt: state.updatedAt, activity: state.activity, listen: state.listen)
    }
}

/// The human layout of `rundbrief status`.
/// Every time is shown in the configured zone (`delivery.timezone`), labelled.
private struct StatusScreen {
    let report: StatusCommand.Report
    let timeZone: String

    func print() {
        Output.line("daemon       " + daemonLine)
        Output.line("database     " + report.database)
        let subscribers = ["active", "pending", "unsubscribed", "bounced", "complained"].map {
            "\($0) \(report.operations.subscribersByStatus[$0] ?? 0)"
        }
        Output.line("subscribers  " + subscribers.joined(separator: " · "))
        Output.line("queue        \(report.operations.queueDepth) deliveries waiting")
        let bounces = ["hard", "soft", "complaint", "sender-blocked", "unverified"].map {
            "\($0) \(report.operations.bouncesByKind[$0] ?? 0)"
        }
        Output.line("bounces 7d   " + bounces.joined(separator: " · "))
        printSends()
        printErrors()
    }

    private var daemonLine: String {
        let daemon = report.daemon
        switch daemon.state {
        case "running", "stalled":
            let age = daemon.heartbeatAt.map { Int(Date().timeIntervalSince($0)) } ?? 0
            var line = "\(daemon.state) (pid \(daemon.pid ?? 0), heartbeat \(age) s ago"
            if let listen = daemon.listen { line += ", http \(listen)" }
            return line + ")" + (daemon.activity.map { ": " + $0 } ?? "")
        default:
            return "not running"
        }
    }

    private func printSends() {
        guard !report.operations.sends.isEmpty else {
            Output.line("sends        none running, paused, scheduled or failed")
            return
        }
        Output.line("")
        Output.table(
            ["SEND", "STATUS", "EDITION", "LIST", "DONE", "DEFERRED", "FAILED", "SCHEDULED"],
            report.operations.sends.map { send in
                [
                    "\(send.id)", send.status, send.editionSlug, send.listSlug, "\(send.done)/\(send.total)",
                    "\(send.deliveries["deferred"] ?? 0)", "\(send.deliveries["failed"] ?? 0)",
                    SendTime.format(send.scheduledAt, timeZone: timeZone),
                ]
            })
        for send in report.operations.sends where send.status == "paused" || send.status == "failed" {
            Output.line("send \(send.id) \(send.status): \(send.reason ?? "no reason recorded")")
        }
    }

    private func printErrors() {
        guard !report.operations.recentErrors.isEmpty else { return }
        Output.line("")
        Output.line("recent errors")
        for error in report.operations.recentErrors {
            let code = [error.code.map(String.init), error.enhancedStatus].compactMap { $0 }
                .joined(separator: " ")
            Output.line(
                "  \(SendTime.format(error.at, timeZone: timeZone))  send \(error.sendID)  \(error.status)  \(code)  "
                    + (error.reply ?? "").prefix(100))
        }
    }
}
