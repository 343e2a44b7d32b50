import Foundation

/// Finds, reads and validates the configuration. It reads through `files` (RundbriefApp hands in the
/// machine's, with `ConfigurationLoader()`), so this module itself opens no file.
///
/// Order: `--config FILE`, then `$RUNDBRIEF_CONFIG`, then `/etc/rundbrief/rundbrief.toml`. Every key can
/// then be overridden by `RUNDBRIEF_<SECTION>_<KEY>`, and secrets may come from systemd credentials in
/// `$CREDENTIALS_DIRECTORY`, else from `secrets.credentials_directory` (`smtp-password`, `token-key`,
/// `mailbox-password`, `dkim-key`, `metrics-token`; also with the `rundbrief_` prefix the unit's directory
/// credential adds).
public struct ConfigurationLoader: Sendable {
    public static let defaultPath = "/etc/rundbrief/rundbrief.toml"

    public var environment: [String: String]
    /// Where the configuration file, the credentials and the key files are read from.
    public var files: ConfigurationFiles

    /// - Parameters:
    ///   - environment: the process's environment (`RUNDBRIEF_*`, `CREDENTIALS_DIRECTORY`).
    ///   - files: the file system (`.local` from RundbriefApp), or `.none` for a configuration from text alone.
    public init(environment: [String: String], files: ConfigurationFiles) {
        self.environment = environment
        self.files = files
    }

    /// The file to read: the explicit path, `$RUNDBRIEF_CONFIG`, or the system default.
    public func resolvePath(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["RUNDBRIEF_CONFIG"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultPath
    }

    /// Loads and validates the configuration.
    /// - Throws: `ConfigurationError` naming the file (and line) or the environment variable, and the key.
    public func load(explicitPath: String?) throws(ConfigurationError) -> Configuration {
        let path = resolvePath(explicit: explicitPath)
        guard let data = files.contents(path) else {
            let exists = files.exists(path)
            throw ConfigurationError(
                location: path,
                message: exists
                    ? "cannot read the configuration file (permissions?)"
                    : "no configuration file here (pass --config FILE or set RUNDBRIEF_CONFIG; config/rundbrief.example.toml documents every key)"
            )
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ConfigurationError(location: path, message: "the file is not valid UTF-8")
        }
        return try load(text: text, path: path)
    }

    /// Loads a configuration from TOML text (tests, and `load(explicitPath:)`).
    public func load(text: String, path: String) throws(ConfigurationError) -> Configuration {
        let table: TOMLTable
        do {
            table = try TOML.parse(text)
        } catch {
            throw ConfigurationError(location: "\(path):\(error.line)", message: error.reason)
        }
        var config = Configuration()
        config.sourcePath = path
        let keys = Configuration.keys
        // Every problem of the file, the environment and the values, each with its file and line.
        var problems = applyFile(table, keys: keys, path: path, to: &config)
        do { try applyEnvironment(keys: keys, to: &config) } catch { problems.append(error) }
        do { try applyCredentials(to: &config) } catch { problems.append(error) }
        let environment = self.environment
        let locate: (String) -> String = { key in
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return path }
            let variable = "RUNDBRIEF_\(parts[0].uppercased())_\(parts[1].uppercased())"
            if environment[variable] != nil { return "environment \(variable)" }
            guard case .table(let section)? = table[parts[0]], let line = section.line(of: parts[1]) else {
                return path
            }
            return "\(path):\(line)"
        }
        problems += ConfigurationValidator(locate: locate, files: files).validate(&config)
        guard var first = problems.first else { return config }
        first.more = Array(problems.dropFirst())
        throw first
    }

    private func applyFile(
        _ table: TOMLTable, keys: [ConfigurationKey], path: String, to config: inout Configuration
    ) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        for sectionName in table.keys {
            guard case .table(let section)? = table[sectionName] else {
                problems.append(
                    ConfigurationError(
                        location: "\(path):\(table.line(of: sectionName) ?? 0)", key: sectionName,
                        message: "top-level keys must be inside a [section]"))
                continue
            }
            for name in section.keys {
                let location = "\(path):\(section.line(of: name) ?? table.line(of: sectionName) ?? 0)"
                let value = section[name]!
                if sectionName == "delivery" && name == "domain" {
                    do {
                        config.delivery.domainLimits = try Self.domainLimits(value, location: location)
                    } catch {
                        problems.append(error)
                    }
                    continue
                }
                if sectionName == "dkim" && name == "key" {
                    do {
                        config.dkim.keys = try Self.dkimKeys(value, location: location)
                    } catch {
                        problems.append(error)
                    }
                    continue
                }
                guard let key = keys.first(where: { $0.section == sectionName && $0.name == name }) else {
                    problems.append(
                        ConfigurationError(location: location, key: "\(sectionName).\(name)", message: "unknown key"))
                    continue
                }
                do {
                    try key.apply(&config, value)
                } catch {
                    problems.append(ConfigurationError(location: location, key: key.path, message: error.message))
                }
            }
        }
        return problems
    }

    private func applyEnvironment(keys: [ConfigurationKey], to config: inout Configuration)
        throws(ConfigurationError)
    {
        for key in keys {
            guard let text = environment[key.environmentName] else { continue }
            let location = "environment \(key.environmentName)"
            guard let value = key.fromEnvironment(text) else {
                throw ConfigurationError(
                    location: location, key: key.path, message: "cannot read '\(text)' as this key's type")
            }
            do {
                try key.apply(&config, value)
            } catch {
                throw ConfigurationError(location: location, key: key.path, message: error.message)
            }
        }
    }

    /// systemd's LoadCredential= puts secrets in files; they win over empty values in the file. In the
    /// service they are in `$CREDENTIALS_DIRECTORY`; from a shell the same files are read where the unit
    /// loads them from (`secrets.credentials_directory`). The unit loads that whole directory under the
    /// id `rundbrief`, so systemd names them `rundbrief_<file>`: both names are looked for.
    private func applyCredentials(to config: inout Configuration) throws(ConfigurationError) {
        let fromService = environment["CREDENTIALS_DIRECTORY"] ?? ""
        let directory = fromService.isEmpty ? config.secrets.credentialsDirectory : fromService
        guard !directory.isEmpty else { return }
        func file(_ name: String) -> String? {
            [name, "rundbrief_" + name].map { directory + "/" + $0 }
                .first { files.isReadable($0) }
        }
        func secret(_ name: String) -> String? {
            guard let path = file(name), let data = files.contents(path),
                let text = String(data: data, encoding: .utf8)
            else { return nil }
            return text.trimmingWhitespace
        }
        if config.smtp.password.isEmpty, let password = secret("smtp-password") {
            config.smtp.password = password
        }
        if config.bounces.mailboxPassword.isEmpty, let password = secret("mailbox-password") {
            config.bounces.mailboxPassword = password
        }
        if config.tokens.keys.isEmpty, config.tokens.keyFile.isEmpty, let path = file("token-key") {
            config.tokens.keyFile = path
        }
        if config.metrics.bearerToken.isEmpty, let token = secret("metrics-token") {
            config.metrics.bearerToken = token
        }
        // With [[dkim.key]] tables the credential is the single-key form's file only if a selector names it.
        if config.dkim.keyFile.isEmpty, config.dkim.keys.isEmpty || !config.dkim.selector.isEmpty,
            let path = file("dkim-key")
        {
            config.dkim.keyFile = path
        }
    }

    private static func domainLimits(_ value: TOMLValue, location: String) throws(ConfigurationError)
        -> [Configuration.DomainLimit]
    {
        guard case .array(let items) = value else {
            throw ConfigurationError(
                location: location, key: "delivery.domain", message: "use [[delivery.domain]] tables")
        }
        var limits: [Configuration.DomainLimit] = []
        for item in items {
            guard case .table(let table) = item, case .string(let domain)? = table["name"],
                !domain.isEmpty
            else {
                throw ConfigurationError(
                    location: location, key: "delivery.domain",
                    message: "each [[delivery.domain]] needs a name")
            }
            var concurrency = 2
            var rate = 0.0
            for key in table.keys where key != "name" {
                switch (key, table[key]!) {
                case ("concurrency", .integer(let n)) where (1...64).contains(n): concurrency = Int(n)
                case ("rate", .integer(let n)) where n >= 0: rate = Double(n)
                case ("rate", .float(let n)) where n >= 0: rate = n
                default:
                    throw ConfigurationError(
                        location: location, key: "delivery.domain.\(key)",
                        message:
                            "unknown key or bad value (name = \"…\", concurrency = 1…64, rate = messages per second)"
                    )
                }
            }
            limits.append(
                Configuration.DomainLimit(domain: domain.lowercased(), concurrency: concurrency, rate: rate)
            )
        }
        return limits
    }
}
