import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore

/// Measures `CSVReader` throughput on a file: rows per second and megabytes per second.
struct CSVParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv-parse",
        abstract: "Parse a CSV file with CSVReader and print rows/s (make one with generate-csv)."
    )

    @Argument(help: "The CSV file to parse.")
    var file: String

    @Option(help: "How many times to parse the file; the best run is reported.")
    var runs: Int = 3

    @Flag(help: "Also validate the first column with EmailAddress, as an import does.")
    var addresses = false

    func run() throws {
        var best: Duration = .seconds(1_000_000)
        var rows = 0
        var fields = 0
        var errors = 0
        var delimiter: UInt8 = 0
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        for _ in 0..<max(runs, 1) {
            let clock = ContinuousClock()
            let start = clock.now
            (rows, fields, errors, delimiter) = try parseOnce()
            best = min(best, clock.now - start)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        print(
            "csv-parse\(addresses ? " + addresses" : ""): \(rows) rows, \(fields) fields, \(errors) errors, delimiter \(Character(Unicode.Scalar(delimiter)).debugDescription), \(size) bytes"
        )
        print("  best of \(runs): \(String(format: "%.3f", seconds)) s")
        print(
            "  \(Int(Double(rows) / seconds)) rows/s, \(String(format: "%.1f", Double(size) / seconds / 1e6)) MB/s"
        )
    }

    private func parseOnce() throws -> (rows: Int, fields: Int, errors: Int, delimiter: UInt8) {
        let reader = try CSVReader(path: file)
        var rows = 0
        var fields = 0
        var errors = 0
        while true {
            do {
                guard let row = try reader.next() else { break }
                rows += 1
                fields += row.fields.count
                if addresses, row.line > 1, let first = row.fields.first, (try? EmailAddress(first)) == nil {
                    errors += 1
                }
            } catch {
                errors += 1
            }
        }
        return (rows, fields, errors, reader.delimiter)
    }
}
