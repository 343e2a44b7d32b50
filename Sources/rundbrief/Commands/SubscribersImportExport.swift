import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefStore

extension SubscribersCommand {
    struct ImportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract:
                "Import subscribers from a CSV file (UTF-8, ',' or ';', header row with an email column).",
            discussion: """
                Other columns become attributes; name (or first/last name) columns fill the name; the status and
                created_at columns of an export are read as such (unsubscribed, bounced and complained rows are not
                imported), and its spreadsheet guard (a ' before a leading = + - @) is undone. Re-importing updates,
                never duplicates; unsubscribed, bounced and erased addresses are never re-added. Bad rows are reported
                with their line number while good rows are imported. Exits 0 when every row was read, 65 when some
                rows were rejected (the rest is imported), and 65/66/73/75 when nothing could be imported.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The list to import into.") var list: String
        @Option(help: "active (the list's consent was given elsewhere) or pending.") var status =
            "active"
        @Flag(help: "Print the summary as a JSON object.") var json = false

        func run() throws {
            try reporting {
                guard let status = SubscriberStatus(rawValue: status),
                    status == .active || status == .pending
                else {
                    throw CommandFailure("--status must be active or pending", exitCode: 64)
                }
                let (_, database) = try global.open()
                let reader: CSVReader
                do {
                    reader = try CSVReader(path: file)
                } catch {
                    throw CommandFailure("cannot read \(file): \(error)", exitCode: 66)
                }
                let importer = SubscriberImporter(
                    database: database, list: list, status: status,
                    sourceName: (file as NSString).lastPathComponent)
                let summary = try importer.run(reader: reader) { problem in
                    let kind = problem.severity == .rejected ? "rejected" : "skipped"
                    Output.note("\(file):\(problem.line): \(kind): \(problem.reason)")
                }
                if json { try Output.json(summary) } else { Output.line(summary.line) }
                if summary.rejected > 0 { throw ExitCode(65) }
            }
        }
    }

    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export", abstract: "Export subscribers as CSV (importable again) or JSON.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only members of this list.") var list: String?
        @Option(help: "Only subscribers in this status.") var status: String?
        @Option(help: "csv or json.") var format = "csv"
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() throws {
            try reporting {
                guard format == "csv" || format == "json" else {
                    throw CommandFailure("--format must be csv or json", exitCode: 64)
                }
                let status = try self.status.map { text in
                    guard let status = SubscriberStatus(rawValue: text) else {
                        throw CommandFailure("unknown --status \(text)", exitCode: 64)
                    }
                    return status
                }
                let (_, database) = try global.open()
                let sink = try ExportSink(path: out)
                defer { sink.close() }
                if format == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .iso8601
                    var first = true
                    sink.write("[")
                    try database.forEachSubscriber(list: list, status: status) { subscriber in
                        sink.write(first ? "\n" : ",\n")
                        first = false
                        sink.write(String(decoding: try encoder.encode(subscriber), as: UTF8.self))
                    }
                    sink.write("\n]\n")
                    return
                }
                let keys = try database.attributeKeys()
                sink.write(CSVLine.make(["email", "name", "status", "created_at"] + keys))
                try database.forEachSubscriber(list: list, status: status) { subscriber in
                    let fields =
                        [
                            subscriber.email, subscriber.name, subscriber.status.rawValue,
                            ISO8601DateFormatter().string(from: subscriber.createdAt),
                        ] + keys.map { subscriber.attributes[$0] ?? "" }
                    sink.write(CSVLine.make(fields, verbatim: [0]))
                }
            }
        }
    }
}

/// Standard output or a file, written in large chunks.
final class ExportSink {
    private let handle: FileHandle
    private var buffer = Data()
    private let ownsHandle: Bool

    init(path: String?) throws {
        guard let path else {
            handle = .standardOutput
            ownsHandle = false
            return
        }
        // Personal data: owner-only whatever the umask.
        guard let handle = try? PrivateFile.openForWriting(path) else {
            throw CommandFailure("cannot write \(path)", exitCode: 73)
        }
        self.handle = handle
        ownsHandle = true
    }

    func write(_ text: String) {
        buffer.append(contentsOf: Array(text.utf8))
        if buffer.count >= 256 * 1024 { flush() }
    }

    func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if ownsHandle { try? handle.close() }
    }
}
