import GRDB

extension AppDatabase {
    /// Appends one entry to the audit log.
    public func recordEvent(_ event: Event) throws {
        var event = event
        try write { db in try event.insert(db) }
    }
}
