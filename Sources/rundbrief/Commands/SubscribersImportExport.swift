import ArgumentParser
import Foundation
import RundbriefApp
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
                let summary = try global.operations().importSubscribers(
                    from: URL(fileURLWithPath: file), list: list, status: status
                ) { problem in
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
                guard let format = ExportFormat(rawValue: format) else {
                    throw CommandFailure("--format must be csv or json", exitCode: 64)
                }
                let operations = try global.operations()
                let sink = try ExportFile(path: out)
                defer { sink.close() }
                try operations.exportSubscribers(list: list, status: status, format: format, write: sink.write)
            }
        }
    }
}
