import CSQLiteSupport
import Foundation
package import GRDB

/// The Rundbrief database: one SQLite file in WAL mode, shared by the daemon and every command.
///
/// Opening it runs the migrations, so every process sees the schema it was built for.
public struct AppDatabase: Sendable {
    /// The GRDB writer: a `DatabasePool` for files, a `DatabaseQueue` for tests in memory. `package`: other
    /// modules go through the store's operations; only this package's tests may run SQL of their own.
    package let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`.
    /// - Parameters:
    ///   - path: the SQLite file; its directory must exist.
    ///   - busyTimeout: how long a statement waits for another process's lock before failing.
    ///   - readOnly: open without writing (commands that only read, backups of a read-only copy).
    /// - Throws: `StoreError` with a message naming the file.
    public init(path: String, busyTimeout: Duration = .seconds(5), readOnly: Bool = false) throws {
        Self.configureSQLite
        var config = Self.configuration(busyTimeout: busyTimeout)
        config.readonly = readOnly
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            throw StoreError(
                .cannotOpen, "cannot open database \(path): directory \(directory) does not exist")
        }
        if !readOnly {
            // Subscribers' personal data: owner-only whatever the umask. SQLite gives the -wal and -shm
            // files the database file's mode when it creates them; older ones are tightened here.
            do {
                try PrivateFile.prepare(path)
            } catch {
                throw StoreError(.cannotOpen, "cannot open database \(path): \(error.localizedDescription)")
            }
            for suffix in ["-wal", "-shm", "-journal"] { PrivateFile.restrict(path + suffix) }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try self.init(writer: pool, migrate: !readOnly)
        } catch let error as DatabaseError {
            throw StoreError(from: error, context: "database \(path)", path: path)
        }
    }

    /// SQLite's process-wide settings, applied once before the first connection opens.
    private static let configureSQLite: Void = { _ = csqlite_configure_process() }()

    /// Wraps a writer (tests use an in-memory `DatabaseQueue`) and runs the migrations.
    package init(writer: any DatabaseWriter, migrate: Bool = true) throws {
        self.writer = writer
        if migrate {
            do {
                try Schema.migrator.migrate(writer)
            } catch let error as DatabaseError {
                throw StoreError(from: error, context: "migrating the database", path: writer.path)
            }
        }
    }

    /// An empty, migrated database in memory.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(writer: DatabaseQueue(configuration: configuration(busyTimeout: .seconds(1))))
    }

    /// The page cache of each read-only connection, in KiB.
    static let readerCacheKiB = 512
    /// The page cache of the writer, in KiB: also the memory an `ORDER BY` sorts in before it spills.
    static let writerCacheKiB = 1024

    static func configuration(busyTimeout: Duration) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(TimeInterval(busyTimeout.components.seconds))
        config.label = "rundbrief"
        config.prepareDatabase { db in
            // WAL is set by DatabasePool; NORMAL is durable across application crashes in WAL mode
            // (only an OS crash can lose the last transactions), and much faster than FULL.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // SQLite's default page cache is 2 MB per connection. The readers (up to five in a pool)
            // filled theirs with the daemon's status counts over every subscriber and delivery (1.7 MB
            // of a 9 MB heap peak during a 100,000-recipient send), and the writer's, with the sorter
            // of the same size, held 3.9 MB of it while a send froze its audience. Pages not cached
            // come from the OS's file cache again; the writer's working set (a claim of a few hundred
            // rows, their results) fits in 1 MB many times over.
            let kibibytes = db.configuration.readonly ? Self.readerCacheKiB : Self.writerCacheKiB
            try db.execute(sql: "PRAGMA cache_size = -\(kibibytes)")
        }
        return config
    }

    /// The identifiers of migrations applied to this file, oldest first.
    public func appliedMigrations() throws -> [String] {
        let migrator = Schema.migrator
        return try read { db in try migrator.appliedMigrations(db) }
    }

    /// Runs `work` in a write transaction, translating SQLite errors into `StoreError`.
    @discardableResult
    package func write<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(work)
        } catch let error as DatabaseError {
            throw StoreError(from: error, context: "writing to the database", path: writer.path)
        }
    }

    /// Runs `work` with read access, translating SQLite errors into `StoreError`.
    package func read<T>(_ work: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(work)
        } catch let error as DatabaseError {
            throw StoreError(from: error, context: "reading the database", path: writer.path)
        }
    }

    /// Async variants: GRDB runs the work on its own dispatch queues, never on the concurrency pool.
    package func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws
        -> T
    {
        do {
            return try await writer.write(work)
        } catch let error as DatabaseError {
            throw StoreError(from: error, context: "writing to the database", path: writer.path)
        }
    }

    package func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws
        -> T
    {
        do {
            return try await writer.read(work)
        } catch let error as DatabaseError {
            throw StoreError(from: error, context: "reading the database", path: writer.path)
        }
    }
}

extension StoreError {
    /// Maps a SQLite error to an operator-readable store error. Statement arguments are not included.
    /// - Parameter path: the database file: an I/O error while the disk holding it has no room left
    ///   is reported as a full disk (SQLite says `SQLITE_IOERR` when it cannot even create the WAL).
    init(from error: DatabaseError, context: String, path: String? = nil) {
        if error.resultCode == .SQLITE_IOERR, let path, Self.diskIsFull(holding: path) {
            self.init(.diskFull, "\(context): the disk holding the database is full; free space on it and try again")
            return
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                .busy,
                "\(context): the database is locked by another process (busy timeout exceeded); try again")
        case .SQLITE_FULL:
            self.init(.diskFull, "\(context): the disk holding the database is full; free space on it and try again")
        case .SQLITE_READONLY:
            self.init(.readOnly, "\(context): the database file is read-only")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                .cannotOpen, "\(context): cannot open the file (\(error.message ?? "permission denied"))")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(.corrupt, "\(context): the file is damaged or not a SQLite database")
        case .SQLITE_CONSTRAINT:
            self.init(.invalidInput, "\(context): \(error.message ?? "constraint violated")")
        default:
            self.init(
                .corrupt,
                "\(context): SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")")
        }
    }

    /// Whether the file system holding `path` (or its directory) has no block left for us.
    static func diskIsFull(holding path: String) -> Bool {
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return false }
        return info.f_bavail == 0
    }
}
