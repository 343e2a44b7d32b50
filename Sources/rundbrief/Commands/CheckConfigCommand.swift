import ArgumentParser
import RundbriefApp
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

    static var all: [Check] { [tokens, publicKey, database, dkim] }

    static func tokens(_ config: Configuration) throws -> [String] {
        do {
            _ = try config.tokens.tokenKeys()
        } catch {
            throw CommandFailure("configuration error: \(error)", exitCode: 78)
        }
        return []
    }

    /// The development key of `config/dev.toml` is public: a warning on this machine, refused anywhere else.
    static func publicKey(_ config: Configuration) throws -> [String] {
        let ids = config.tokens.publicKeyIDs().map { "\"\($0)\"" }.joined(separator: ", ")
        guard !ids.isEmpty else { return [] }
        guard config.http.baseURLIsLoopback else {
            throw CommandFailure(
                "configuration error: tokens.keys: key \(ids) is the public development key and http.base_url is not a loopback address; create your own key with: rundbrief tokens generate-key",
                exitCode: 78)
        }
        return [
            "tokens.keys: key \(ids) is the public development key: anyone can sign links with it; use it on this machine only"
        ]
    }

    static func database(_ config: Configuration) throws -> [String] {
        _ = try AppDatabase(
            path: config.database.path, busyTimeout: .seconds(config.database.busyTimeoutSeconds))
        return []
    }
}
