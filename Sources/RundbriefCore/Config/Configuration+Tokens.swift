import Foundation

extension Configuration.TokensSection {
    /// The token keys from `keys` and `key_file` (one "id:secret" a line; `#` comments), first signs.
    /// - Throws: `ConfigurationError` when none is configured or the file is unreadable or malformed.
    public func tokenKeys() throws(ConfigurationError) -> [TokenKey] {
        var lines = keys
        if !keyFile.isEmpty {
            guard let data = FileManager.default.contents(atPath: keyFile),
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

    /// A signer over the configured keys.
    public func signer() throws(ConfigurationError) -> TokenSigner {
        TokenSigner(keys: try tokenKeys())
    }
}
