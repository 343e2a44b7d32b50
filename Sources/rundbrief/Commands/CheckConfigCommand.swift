import ArgumentParser
import RundbriefCore
import RundbriefStore

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration (and the templates and database it names).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try reporting {
            let config = try global.loadConfiguration()
            var warnings: [String] = []
            for check in ConfigurationChecks.all {
                warnings += try check(config)
            }
            for warning in warnings { Output.note("warning: \(warning)") }
            Output.line("\(config.sourcePath): configuration is valid")
        }
    }
}

/// Checks beyond the file's own syntax: things a daemon would only find out at start or at send time.
enum ConfigurationChecks {
    typealias Check = (Configuration) throws -> [String]

    static var all: [Check] { [tokens, database, dkim] }

    static func tokens(_ config: Configuration) throws -> [String] {
        do {
            _ = try config.tokens.tokenKeys()
        } catch {
            throw CommandFailure("configuration error: \(error)", exitCode: 78)
        }
        return []
    }

    static func database(_ config: Configuration) throws -> [String] {
        _ = try AppDatabase(
            path: config.database.path, busyTimeout: .seconds(config.database.busyTimeoutSeconds))
        return []
    }
}
