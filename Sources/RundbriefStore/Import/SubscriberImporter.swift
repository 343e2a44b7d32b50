public import Foundation
import GRDB
public import RundbriefCore

/// Imports subscribers from a CSV file into one list, streaming: memory does not grow with the file.
///
/// The header row maps columns: an email column (email, e-mail, mail, e-mail-adresse...), an optional
/// name (or first/last name columns, joined), and every other column becomes an attribute.
/// Rows are applied in batched transactions, so a failure part-way loses nothing already committed
/// and never leaves a half-written row. Re-importing a file updates, never duplicates.
public struct SubscriberImporter {
    public var database: AppDatabase
    public var listSlug: String
    public var status: SubscriberStatus
    /// How many rows go into one transaction.
    public var batchSize = 5_000
    /// The file name recorded in the audit log.
    public var sourceName: String

    public init(
        database: AppDatabase, list: String, status: SubscriberStatus = .active, sourceName: String
    ) {
        self.database = database
        self.listSlug = list
        self.status = status
        self.sourceName = sourceName
    }

    /// Runs the import.
    /// - Parameters:
    ///   - reader: the CSV source, positioned at the header row.
    ///   - problem: called for each skipped or rejected row, in file order.
    /// - Throws: `ImportError` when the file cannot be imported at all (no header, no email column, unknown
    ///   list) and `StoreError` when the database fails; rows committed before the failure stay.
    public func run(reader: CSVReader, now: Date = Date(), problem: (ImportProblem) -> Void) throws
        -> ImportSummary
    {
        let list = try database.list(slug: listSlug)
        let mapping = try ColumnMapping(header: Self.readHeader(reader))
        var summary = ImportSummary()
        var seen = SeenAddresses()
        let checkSuppressions = try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM suppressions)") ?? false
        }
        var batch: [PendingRow] = []
        batch.reserveCapacity(batchSize)

        func flush() throws {
            guard !batch.isEmpty else { return }
            let rows = batch
            batch.removeAll(keepingCapacity: true)
            let outcomes = try database.write { db in
                try rows.map { row in
                    try apply(row, listID: list.id!, checkSuppressions: checkSuppressions, now: now, db: db)
                }
            }
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome {
                case .imported: summary.imported += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .skipped(let reason):
                    summary.skipped += 1
                    problem(ImportProblem(line: row.line, severity: .skipped, reason: reason))
                }
            }
        }

        while true {
            let record: CSVRow
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch {
                summary.rejected += 1
                problem(ImportProblem(line: error.line, severity: .rejected, reason: error.reason))
                continue
            }
            switch mapping.row(from: record) {
            case .failure(let error):
                summary.rejected += 1
                problem(ImportProblem(line: record.line, severity: .rejected, reason: error.reason))
            case .success(let row):
                if let firstLine = seen.insert(row.address.value, line: row.line) {
                    summary.skipped += 1
                    problem(
                        ImportProblem(
                            line: row.line, severity: .skipped, reason: "duplicate of line \(firstLine)"))
                    continue
                }
                batch.append(row)
                if batch.count >= batchSize { try flush() }
            }
        }
        try flush()
        return summary
    }

    private static func readHeader(_ reader: CSVReader) throws -> [String] {
        do {
            guard let header = try reader.next() else {
                throw ImportError("the file is empty: expected a header row with an email column")
            }
            return header.fields
        } catch let error as CSVError {
            throw ImportError("cannot read the header row (line \(error.line)): \(error.reason)")
        }
    }

    private enum Outcome {
        case imported, updated, unchanged
        case skipped(String)
    }

    private func apply(
        _ row: PendingRow, listID: Int64, checkSuppressions: Bool, now: Date, db: Database
    ) throws -> Outcome {
        if checkSuppressions, try AppDatabase.isSuppressed(row.address.value, in: db) {
            return .skipped("address was erased or blocked earlier; not imported")
        }
        let attributesJSON = JSONObject.encode(row.attributes)
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, status FROM subscribers WHERE email = ?"),
            arguments: [row.address.value])
        guard let existing else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO subscribers (email, name, status, attributes, consent_at, consent_method, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'import', ?, ?)
                    """
            ).execute(arguments: [
                row.address.value, row.name, status.rawValue, attributesJSON, now, now, now,
            ])
            let subscriberID = db.lastInsertedRowID
            try insertSubscription(subscriberID: subscriberID, listID: listID, now: now, db: db)
            return .imported
        }
        let subscriberID: Int64 = existing[0]
        let current = SubscriberStatus(rawValue: existing[1]) ?? .pending
        if current.isSticky {
            return .skipped("subscriber is \(current.rawValue); not re-added")
        }
        let membership = try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT status FROM subscriptions WHERE subscriber_id = ? AND list_id = ?"),
            arguments: [subscriberID, listID])
        if membership == SubscriptionStatus.unsubscribed.rawValue {
            return .skipped("unsubscribed from this list; not re-added")
        }
        let newStatus = (current == .pending && status == .active) ? SubscriberStatus.active : current
        try db.cachedStatement(
            sql: """
                UPDATE subscribers SET
                  name = CASE WHEN ?1 = '' THEN name ELSE ?1 END,
                  attributes = json_patch(attributes, ?2),
                  status = ?3,
                  updated_at = ?4
                WHERE id = ?5 AND (
                  (?1 != '' AND name != ?1) OR json_patch(attributes, ?2) != attributes OR status != ?3)
                """
        ).execute(arguments: [row.name, attributesJSON, newStatus.rawValue, now, subscriberID])
        let changed = db.changesCount > 0
        guard let membership else {
            try insertSubscription(subscriberID: subscriberID, listID: listID, now: now, db: db)
            return .imported
        }
        if membership == SubscriptionStatus.pending.rawValue && status == .active {
            try db.cachedStatement(
                sql:
                    "UPDATE subscriptions SET status = 'active', updated_at = ? WHERE subscriber_id = ? AND list_id = ?"
            )
            .execute(arguments: [now, subscriberID, listID])
            return .updated
        }
        return changed ? .updated : .unchanged
    }

    private func insertSubscription(subscriberID: Int64, listID: Int64, now: Date, db: Database)
        throws
    {
        let membership: SubscriptionStatus = status == .active ? .active : .pending
        try db.cachedStatement(
            sql:
                "INSERT INTO subscriptions (subscriber_id, list_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [subscriberID, listID, membership.rawValue, now, now])
        try db.cachedStatement(
            sql:
                "INSERT INTO events (subscriber_id, list_id, kind, source, detail, created_at) VALUES (?, ?, 'subscribed', 'import', ?, ?)"
        ).execute(arguments: [subscriberID, listID, sourceDetail, now])
    }

    private var sourceDetail: String {
        JSONObject.encode(["file": sourceName, "status": status.rawValue])
    }
}

/// Remembers the addresses seen in one file (as 64-bit hashes with their line, ~16 bytes each),
/// so duplicates within a file are reported without keeping a million strings in memory.
struct SeenAddresses {
    private var lines: [Int: Int] = [:]

    /// Records `address` at `line`; returns the earlier line if it was seen before.
    mutating func insert(_ address: String, line: Int) -> Int? {
        var hasher = Hasher()
        hasher.combine(address.lowercased())
        let key = hasher.finalize()
        if let first = lines[key] { return first }
        lines[key] = line
        return nil
    }
}

/// A CSV row turned into what the importer stores.
struct PendingRow: Sendable {
    var line: Int
    var address: EmailAddress
    var name: String
    var attributes: [String: String]
}

/// An import that cannot start or go on, with the reason.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
