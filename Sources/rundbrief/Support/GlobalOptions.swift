import ArgumentParser
import Foundation
import Logging
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// Options every command that touches the configuration or the database takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The configuration file (default: $RUNDBRIEF_CONFIG, then /etc/rundbrief/rundbrief.toml)."
    )
    var config: String?

    /// Loads the configuration, or exits with a message naming the file and key.
    func loadConfiguration() throws -> Configuration {
        try Self.load(config)
    }

    /// Loads the configuration from `path` (or the default places), failing with EX_CONFIG.
    static func load(_ path: String?) throws -> Configuration {
        do {
            return try ConfigurationLoader().load(explicitPath: path)
        } catch {
            // Every problem on a line of its own, each naming its file and line (or variable) and key.
            let lines = error.all.map { ConfigurationError(location: $0.location, key: $0.key, message: $0.message) }
            // Exit code 78 is EX_CONFIG.
            throw CommandFailure(
                lines.map { "configuration error: \($0)" }.joined(separator: "\nrundbrief: "), exitCode: 78)
        }
    }

    /// Loads the configuration and opens the database it names.
    func open(readOnly: Bool = false) throws -> (Configuration, AppDatabase) {
        let configuration = try loadConfiguration()
        do {
            let database = try AppDatabase(
                path: configuration.database.path,
                busyTimeout: .seconds(configuration.database.busyTimeoutSeconds), readOnly: readOnly)
            return (configuration, database)
        } catch let error as StoreError {
            throw CommandFailure(error.message, exitCode: error.exitCode)
        }
    }
}

extension GlobalOptions {
    /// The application layer for this command, acting as the person at the shell.
    func operations(readOnly: Bool = false) throws -> Operations {
        let (configuration, database) = try open(readOnly: readOnly)
        return Operations(
            configuration: configuration, database: database, actor: .shell(user: SyslogAuditSink.shellUser),
            logger: Logger(label: "rundbrief"), auditSink: SyslogAuditSink())
    }
}

/// A command that failed with a message for the operator and a sysexits(3) code.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32 = 1) {
        self.description = message
        self.exitCode = exitCode
    }
}

/// Runs a command body, turning store and command failures into a message on stderr and an exit code.
func reporting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as CommandFailure {
        Output.error(failure.description)
        throw ExitCode(failure.exitCode)
    } catch let error as OperationError {
        Output.error(error.message)
        throw ExitCode(error.exitCode)
    } catch let error as StoreError {
        Output.error(error.message)
        throw ExitCode(error.exitCode)
    }
}

/// Parses an address argument or fails with the reason.
func parseAddress(_ raw: String) throws -> EmailAddress {
    do {
        return try EmailAddress(raw)
    } catch {
        throw CommandFailure("invalid address: \(error.reason)", exitCode: 65)
    }
}
