public import Foundation
import RundbriefCore
public import RundbriefStore

/// One line of an uploaded import: what became of it.
public struct ImportLine: Sendable, Equatable {
    public var line: Int
    /// The row's address, when it could be read.
    public var address: String?
    /// imported, updated, unchanged, skipped or rejected.
    public var outcome: String
    /// Why a row was skipped or rejected.
    public var reason: String?
    /// The same in German, for the console's German pages.
    public var german: String?

    public init(line: Int, address: String?, outcome: String, reason: String?, german: String? = nil) {
        self.line = line
        self.address = address
        self.outcome = outcome
        self.reason = reason
        self.german = german ?? reason
    }
}

/// What an uploaded import did: the counts and the lines.
public struct ImportReport: Sendable {
    public var summary: ImportSummary
    /// Every line in file order when the file had at most `Operations.importLinesListed` rows;
    /// otherwise only the skipped and rejected ones (at most that many).
    public var lines: [ImportLine]
    /// Whether `lines` holds every row, or only the problems.
    public var everyLine: Bool
}

/// What an export writes: CSV that `importSubscribers` reads again, or a JSON array.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, json
}

extension Operations {
    /// Refuses, before an upload is read, whoever may not import: the rule `importSubscribers` applies.
    /// - Throws: `OperationError` `.forbidden` for an editor.
    public func checkMayImportSubscribers() throws(OperationError) {
        try requireAdmin("import subscribers")
    }

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
        try checkMayImportSubscribers()
        let status = try Self.importStatus(status)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: file.path)
        } catch {
            throw OperationError(.notFound, "cannot read \(file.path): \(error)")
        }
        return try runImport(
            reader: reader, list: list, status: status, sourceName: file.lastPathComponent, problem: problem,
            applied: nil)
    }

    /// The most lines an upload's result lists one by one (every problem line is listed up to this many).
    public static let importLinesListed = 1_000

    /// Imports subscribers from an uploaded CSV body (the admin API and the console): as
    /// `importSubscribers(from:)`, answering line by line; a header row that cannot be used (an empty
    /// file, no email column) is line 1, rejected, and nothing is imported. The caller limits the body's size.
    /// - Parameters:
    ///   - sourceName: the upload's file name, for the audit log and the events.
    public func importSubscribers(
        csv: [UInt8], list: String, status: String = "active", sourceName: String
    ) throws(OperationError) -> ImportReport {
        try checkMayImportSubscribers()
        let status = try Self.importStatus(status)
        var lines: [ImportLine] = []
        var problems: [ImportLine] = []
        let name = sourceName.isEmpty ? "upload.csv" : String(sourceName.prefix(200))
        let summary: ImportSummary
        do {
            summary = try runImport(
                reader: CSVReader(bytes: csv), list: list, status: status, sourceName: name,
                problem: { problem in
                    let line = ImportLine(
                        line: problem.line, address: problem.address,
                        outcome: problem.severity == .rejected ? "rejected" : "skipped", reason: problem.reason,
                        german: problem.german)
                    if problems.count < Self.importLinesListed { problems.append(line) }
                    if lines.count <= Self.importLinesListed { lines.append(line) }
                },
                applied: { line, address, outcome in
                    if lines.count <= Self.importLinesListed {
                        lines.append(ImportLine(line: line, address: address, outcome: outcome.rawValue, reason: nil))
                    }
                })
        } catch  where error.kind == .invalid {
            // The header row cannot be used (an empty file, no email column): nothing was imported, and
            // the answer says so for line 1 like any other line.
            return ImportReport(
                summary: ImportSummary(),
                lines: [ImportLine(line: 1, address: nil, outcome: "rejected", reason: error.message)], everyLine: true)
        }
        let complete = lines.count <= Self.importLinesListed
        let listed = complete ? lines.sorted { $0.line < $1.line } : problems.sorted { $0.line < $1.line }
        return ImportReport(summary: summary, lines: listed, everyLine: complete)
    }

    private static func importStatus(_ status: String) throws(OperationError) -> SubscriberStatus {
        guard let status = SubscriberStatus(rawValue: status), status == .active || status == .pending else {
            throw OperationError(.usage, "the status must be active or pending")
        }
        return status
    }

    private func runImport(
        reader: CSVReader, list: String, status: SubscriberStatus, sourceName: String,
        problem: (ImportProblem) -> Void, applied: ((Int, String, ImportLineOutcome) -> Void)?
    ) throws(OperationError) -> ImportSummary {
        let importer = SubscriberImporter(database: database, list: list, status: status, sourceName: sourceName)
        let summary: ImportSummary
        do {
            summary = try importer.run(reader: reader, now: now, problem: problem, applied: applied)
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
                "list": list, "file": sourceName, "imported": "\(summary.imported)",
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
        try requireAdmin("export subscribers")
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
