public import RundbriefStore

extension Operations {
    /// Copies the database to `path` with SQLite's online backup (safe while the daemon runs) and
    /// checks the copy's integrity, so a backup that cannot be restored is reported now.
    /// - Throws: `OperationError` `.conflict` when `path` exists, `.cannotWrite`, or `.damaged` when
    ///   the copy fails its check.
    public func backupDatabase(to path: String) throws(OperationError) {
        try storing { try database.backup(toPath: path) }
        let check = try storing { try AppDatabase(path: path, readOnly: true).check() }
        guard check.integrity == ["ok"] else {
            throw OperationError(.damaged, "backup \(path) fails its integrity check")
        }
        // Backups are made from a read-only connection: the line goes to the log only.
        audit.announce("database.backed_up", fields: ["file": path])
    }

    /// Integrity, foreign keys and migrations of the database.
    public func checkDatabase() throws(OperationError) -> DatabaseCheckReport {
        try storing { try database.check() }
    }
}
