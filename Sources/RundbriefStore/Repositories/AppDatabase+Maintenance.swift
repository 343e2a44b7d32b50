import Foundation
import GRDB
import RundbriefCore

extension AppDatabase {
    /// Copies the database into a new file with SQLite's online backup, from one read snapshot:
    /// writers (the daemon) go on meanwhile, and the copy is consistent.
    ///
    /// The copy is written next to `path` under a temporary name and renamed into place, so `path`
    /// never holds a half-written database.
    /// - Throws: `StoreError` `.alreadyExists` if `path` exists, `.cannotOpen` if it cannot be written.
    public func backup(toPath path: String) throws {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else {
            throw StoreError(.alreadyExists, "\(path) exists already; choose a new file name")
        }
        let partial = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try copy(toPartial: partial)
            try manager.moveItem(atPath: partial, toPath: path)
        } catch let error as DatabaseError {
            try? manager.removeItem(atPath: partial)
            throw StoreError(from: error, context: "backup to \(path)")
        } catch let error as CocoaError {
            try? manager.removeItem(atPath: partial)
            throw StoreError(.cannotOpen, "backup to \(path): \(error.localizedDescription)")
        }
    }

    private func copy(toPartial partial: String) throws {
        // Created owner-only before SQLite opens it: a backup holds every subscriber's personal data.
        try PrivateFile.prepare(partial)
        let destination = try DatabaseQueue(path: partial)
        try writer.backup(to: destination)
        // A single file is easier to move around than a WAL trio: fold the copy into rollback mode.
        try destination.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try destination.close()
    }

    /// Checks the file's integrity, its foreign keys, and which migrations it has.
    public func check() throws -> DatabaseCheckReport {
        let known = Schema.migrator.migrations
        return try read { db in
            let applied = try Schema.migrator.appliedIdentifiers(db)
            return DatabaseCheckReport(
                integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                foreignKeyViolations: try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                    let table: String = row[0]
                    let rowID: Int64? = row[1]
                    let parent: String = row[2]
                    return "\(table) row \(rowID.map(String.init) ?? "?") → \(parent)"
                },
                appliedMigrations: known.filter(applied.contains),
                pendingMigrations: known.filter { !applied.contains($0) },
                unknownMigrations: applied.subtracting(known).sorted())
        }
    }
}
