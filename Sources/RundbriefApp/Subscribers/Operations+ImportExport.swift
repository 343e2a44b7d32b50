public import Foundation
import RundbriefCore
public import RundbriefStore

/// What an export writes: CSV that `importSubscribers` reads again, or a JSON array.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json
}

extension Operations {
    /// Imports subscribers from a CSV file into a list (UTF-8, ',' or ';', a header row with an
    /// email column); see `SubscriberImporter` for how columns are read. Bad rows are reported
    /// through `problem` with their line while good rows are imported.
    /// - Parameters:
    ///   - status: `active` (consent given elsewhere) or `pending`.
    /// - Throws: `OperationError` `.usage` for a bad status, `.notFound` when the file cannot be read
    ///   or the list does not exist, `.invalid` when the file cannot be imported at all.
    public func importSubscribers(
        from file: URL, list: String, status: String = "active", problem: (ImportProblem) -> Void
    ) throws(OperationError) -> ImportSummary {
        guard let status = SubscriberStatus(rawValue: status), status == .active || status == .pending else {
            throw OperationError(.usage, "the status must be active or pending")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(path: file.path)
        } catch {
            throw OperationError(.notFound, "cannot read \(file.path): \(error)")
        }
        let importer = SubscriberImporter(
            database: database, list: list, status: status, sourceName: file.lastPathComponent)
        let summary: ImportSummary
        do {
            summary = try importer.run(reader: reader, now: now, problem: problem)
        } catch let error as ImportError {
            throw OperationError(.invalid, error.description)
        } catch let error as StoreError {
            throw OperationError(error)
        } catch {
            throw OperationError(.cannotWrite, "the database could not be used: \(error)")
        }
        audit.record(
            "subscribers.imported",
            fields: [
                "list": list, "file": file.lastPathComponent, "imported": "\(summary.imported)",
                "updated": "\(summary.updated)", "skipped": "\(summary.skipped)", "rejected": "\(summary.rejected)",
            ], at: now)
        return summary
    }

    /// Exports subscribers, streaming: `write` receives the text in order, a few rows at a time.
    /// An export is personal data leaving the system: it is audited with its filters and row count.
    /// - Parameters:
    ///   - list, status: as `forEachSubscriber`.
    /// - Returns: how many subscribers were written.
    @discardableResult
    public func exportSubscribers(
        list: String?, status: String?, format: ExportFormat, write: (String) throws -> Void
    ) throws(OperationError) -> Int {
        let filter = try Self.status(status)
        var count = 0
        try storing {
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                try write("[")
                try database.forEachSubscriber(list: list, status: filter) { subscriber in
                    try write(count == 0 ? "\n" : ",\n")
                    try write(String(decoding: try encoder.encode(subscriber), as: UTF8.self))
                    count += 1
                }
                try write("\n]\n")
            case .csv:
                let keys = try database.attributeKeys()
                let stamp = ISO8601DateFormatter()
                try write(CSVLine.make(["email", "name", "status", "created_at"] + keys))
                try database.forEachSubscriber(list: list, status: filter) { subscriber in
                    let fields =
                        [
                            subscriber.email, subscriber.name, subscriber.status.rawValue,
                            stamp.string(from: subscriber.createdAt),
                        ] + keys.map { subscriber.attributes[$0] ?? "" }
                    try write(CSVLine.make(fields, verbatim: [0]))
                    count += 1
                }
            }
        }
        audit.record(
            "subscribers.exported",
            fields: ["list": list ?? "*", "status": status ?? "*", "format": format.rawValue, "count": "\(count)"],
            at: now)
        return count
    }
}
