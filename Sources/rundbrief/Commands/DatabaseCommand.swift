import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefStore

/// `rundbrief db`: maintenance of the SQLite file that is safe while the daemon runs.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Back up and check the database.",
        subcommands: [Backup.self, Check.self])

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy the database to FILE with SQLite's online backup (safe while the daemon runs).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The new file; it must not exist.")
        var file: String

        func run() throws {
            try reporting {
                try global.operations(readOnly: true).backupDatabase(to: file)
                Output.line("backed up to \(file)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check integrity, foreign keys and migrations; exit 1 when something is wrong.")

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print JSON for scripts.")
        var json = false

        func run() throws {
            let report = try reporting {
                try global.operations(readOnly: true).checkDatabase()
            }
            if json {
                try Output.json(report)
            } else {
                Self.print(report)
            }
            if !report.isHealthy { throw ExitCode(1) }
        }

        static func print(_ report: DatabaseCheckReport) {
            Output.line("integrity    " + report.integrity.joined(separator: "; "))
            Output.line(
                "foreign keys "
                    + (report.foreignKeyViolations.isEmpty
                        ? "ok" : report.foreignKeyViolations.joined(separator: "; ")))
            Output.line("migrations   \(report.appliedMigrations.count) applied")
            if !report.pendingMigrations.isEmpty {
                Output.line(
                    "             pending (applied at the next start): "
                        + report.pendingMigrations.joined(separator: ", "))
            }
            if !report.unknownMigrations.isEmpty {
                Output.line(
                    "             unknown to this version (the file is from a newer rundbrief): "
                        + report.unknownMigrations.joined(separator: ", "))
            }
        }
    }
}
