/// An error of the subscriber store, with the context an operator needs to act on it.
///
/// Descriptions never contain statement arguments (addresses, names): only what the caller handed in
/// as context, which callers keep free of personal data unless the user typed it themselves.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The database file cannot be opened or created (missing directory, permissions).
        case cannotOpen
        /// The database is read-only but a write was needed.
        case readOnly
        /// Another process held a lock for longer than the busy timeout.
        case busy
        /// The disk (file system) holding the database has no room left.
        case diskFull
        /// The database file is damaged or not a Rundbrief database.
        case corrupt
        /// A referenced object does not exist (list, subscriber, edition, send).
        case notFound
        /// The object exists already.
        case alreadyExists
        /// The request conflicts with the object's state.
        case invalidState
        /// Input that the store refused (invalid slug, invalid address...).
        case invalidInput
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The sysexits(3) code a command should exit with for this error.
    public var exitCode: Int32 {
        switch code {
        case .cannotOpen, .readOnly: 73  // EX_CANTCREAT
        case .busy, .diskFull: 75  // EX_TEMPFAIL
        case .corrupt: 74  // EX_IOERR
        case .notFound: 66  // EX_NOINPUT
        case .alreadyExists, .invalidState, .invalidInput: 65  // EX_DATAERR
        }
    }
}
