public import Foundation

extension AppDatabase {
    /// The status snapshot, read synchronously: for callers already off the concurrency pool (a
    /// command, or the admin listener's blocking thread pool).
    public func currentOperationsSnapshot(now: Date, errorLimit: Int = 5) throws -> OperationsSnapshot {
        try read { db in try Self.snapshot(db, now: now, errorLimit: errorLimit) }
    }
}
