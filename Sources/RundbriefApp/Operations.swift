public import Foundation
public import Logging
public import RundbriefCore
public import RundbriefStore

/// The application layer: every operation a person can perform on Rundbrief, in one place.
///
/// An adapter (the CLI, the admin API, the console) builds one `Operations` per request or command
/// with the actor it authenticated, calls an operation and presents the typed result or
/// ``OperationError``. Each operation validates its input, enforces its rules, writes its audit event
/// and its log line; no adapter repeats a rule. Operations are grouped by what they act on, one
/// extension per file (`Sends/`, `Lists/`, ...).
public struct Operations: Sendable {
    public let configuration: Configuration
    public let database: AppDatabase
    public let actor: Actor
    /// What the actor may do. The shell and the daemon hold the database file and act as admins.
    public let role: Role
    public let logger: Logger
    let audit: AuditTrail
    let clock: @Sendable () -> Date

    public init(
        configuration: Configuration, database: AppDatabase, actor: Actor, role: Role = .admin, logger: Logger,
        auditSink: (any AuditSink)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.database = database
        self.actor = actor
        self.role = role
        self.logger = logger
        self.audit = AuditTrail(database: database, actor: actor, sink: auditSink)
        self.clock = now
    }

    /// The current time, from the clock the adapter handed in (tests fix it).
    public var now: Date { clock() }

    /// Refuses an operation that only admins may perform when the actor is an editor.
    /// - Parameter what: the operation, as a reader would name it ("manage users").
    func requireAdmin(_ what: String) throws(OperationError) {
        guard role == .admin else { throw OperationError(.forbidden, "only admins may \(what)") }
    }
}
