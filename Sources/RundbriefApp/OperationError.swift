public import RundbriefStore

/// Why an operation of the application layer refused or failed. `message` is one line for press
/// officers, not programmers; `kind` tells every adapter how to answer — the CLI maps it to a
/// sysexits(3) code, the admin API to an HTTP status and an RFC 9457 problem.
public struct OperationError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The input is wrong (a malformed address, an unknown variable, a time in the past).
        case invalid
        /// The command line or request itself is malformed (a flag combination that makes no sense).
        case usage
        /// What the operation names does not exist.
        case notFound
        /// The request conflicts with the current state (a second send of the same edition, a
        /// send that is running, an edit that did not see the earlier one).
        case conflict
        /// The database is locked by another process or its disk is full: try again later.
        case busy
        /// The database (or another file) cannot be opened or written.
        case cannotWrite
        /// The database is damaged or not a Rundbrief database.
        case damaged
        /// The configuration is wrong (a missing template, an unknown time zone).
        case configuration
        /// Who asks could not be recognised (a wrong password, a forged or revoked API key).
        case unauthorized
        /// Who asks is known but may not do this (an editor calling an admin operation).
        case forbidden
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The same failure, from the store's own words.
    public init(_ error: StoreError) {
        let kind: Kind =
            switch error.code {
            case .cannotOpen, .readOnly: .cannotWrite
            case .busy, .diskFull: .busy
            case .corrupt: .damaged
            case .notFound: .notFound
            case .alreadyExists, .invalidState: .conflict
            case .invalidInput: .invalid
            }
        self.init(kind, error.message)
    }

    /// The sysexits(3) code a command exits with.
    public var exitCode: Int32 {
        switch kind {
        case .invalid, .conflict: 65  // EX_DATAERR
        case .usage: 64  // EX_USAGE
        case .notFound: 66  // EX_NOINPUT
        case .busy: 75  // EX_TEMPFAIL
        case .cannotWrite: 73  // EX_CANTCREAT
        case .damaged: 74  // EX_IOERR
        case .configuration: 78  // EX_CONFIG
        case .unauthorized, .forbidden: 77  // EX_NOPERM
        }
    }
}

/// Runs store work, giving its errors the application layer's type.
func storing<T>(_ work: () throws -> T) throws(OperationError) -> T {
    do {
        return try work()
    } catch let error as StoreError {
        throw OperationError(error)
    } catch let error as OperationError {
        throw error
    } catch {
        throw OperationError(.cannotWrite, "the database could not be used: \(error)")
    }
}
