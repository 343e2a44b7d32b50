import Foundation

extension Configuration.TokensSection {
    /// The token keys from `keys` and `key_file` (one "id:secret" a line; `#` comments), first signs.
    /// - Parameter files: where `key_file` is read from (RundbriefApp's `tokenKeys()` hands in the real files).
    /// - Throws: `ConfigurationError` when none is configured or the file is unreadable or malformed.
    public func tokenKeys(files: ConfigurationFiles) throws(ConfigurationError) -> [TokenKey] {
        var lines = keys
        if !keyFile.isEmpty {
            guard let data = files.contents(keyFile),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(location: keyFile, key: "tokens.key_file", message: "cannot read the key file")
            }
            lines += text.split(whereSeparator: \.isNewline).map(String.init)
                .filter { !$0.trimmingWhitespace.isEmpty && !$0.trimmingWhitespace.hasPrefix("#") }
        }
        var result: [TokenKey] = []
        for line in lines {
            guard let (id, secret) = TokenKeyText.parse(line) else {
                throw ConfigurationError(
                    location: keyFile.isEmpty ? "configuration" : keyFile, key: "tokens.keys",
                    message: "each key must be \"id:base64secret\" with a secret of at least 16 bytes")
            }
            result.append(TokenKey(id: id, secret: secret))
        }
        guard !result.isEmpty else {
            throw ConfigurationError(
                location: "configuration", key: "tokens.keys",
                message:
                    "no token key configured (links in mails need one; create one with: rundbrief tokens generate-key)")
        }
        return result
    }

    /// The secret of the key in `config/dev.toml`: it is published with the source code, so anybody can
    /// sign confirmation and unsubscribe links and VERP bounce addresses with it.
    public static let publicDevelopmentSecret = Array("development-key-not-secret-0123456789".utf8)

    /// The ids of configured keys whose secret is the public development key (whatever id they carry).
    public func publicKeyIDs(files: ConfigurationFiles) -> [String] {
        guard let keys = try? tokenKeys(files: files) else { return [] }
        return keys.filter { $0.secret == Self.publicDevelopmentSecret }.map(\.id)
    }

    /// A signer over the configured keys.
    public func signer(files: ConfigurationFiles) throws(ConfigurationError) -> TokenSigner {
        TokenSigner(keys: try tokenKeys(files: files))
    }
}

extension Configuration.HTTPSection {
    /// Whether `base_url` names this machine only (`localhost`, 127.0.0.0/8, `::1`): links in mails then
    /// reach nobody else, so a development key cannot be abused through them.
    public var baseURLIsLoopback: Bool {
        guard var host = URLComponents(string: baseURL)?.host?.lowercased() else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
