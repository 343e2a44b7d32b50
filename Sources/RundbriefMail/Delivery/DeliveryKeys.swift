import Foundation
public import RundbriefCore

/// The token signer from the `[tokens]` section, for the sender (unsubscribe tokens, VERP tags).
///
/// Same format as the web's keyring: `keys = ["id:base64secret", …]` first, then `key_file` lines
/// (`#` comments); the first key signs.
public enum DeliveryKeys {
    /// - Throws: ``DeliveryError`` `.misconfigured` naming the entry (never its secret).
    public static func signer(from tokens: Configuration.TokensSection) throws -> TokenSigner {
        var entries = tokens.keys.enumerated().map { ("tokens.keys[\($0.offset)]", $0.element) }
        if !tokens.keyFile.isEmpty {
            guard let data = FileManager.default.contents(atPath: tokens.keyFile) else {
                throw DeliveryError(.misconfigured, "cannot read tokens.key_file \(tokens.keyFile)")
            }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            for (number, line) in lines.enumerated() {
                let text = line.trimmingCharacters(in: .whitespaces)
                if !text.isEmpty, !text.hasPrefix("#") { entries.append(("\(tokens.keyFile):\(number + 1)", text)) }
            }
        }
        let keys = try entries.map { try key($0.1, origin: $0.0) }
        guard !keys.isEmpty else {
            throw DeliveryError(.misconfigured, "no token key: set tokens.keys or tokens.key_file")
        }
        return TokenSigner(keys: keys)
    }

    private static func key(_ entry: String, origin: String) throws -> TokenKey {
        let parts = entry.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 16 else {
            throw DeliveryError(.misconfigured, "\(origin): expected 'id:base64secret' with an id of 1–16 bytes")
        }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let secret = Data(base64Encoded: base64), secret.count >= 32 else {
            throw DeliveryError(.misconfigured, "\(origin): the secret must be base64 of at least 32 bytes")
        }
        return TokenKey(id: String(parts[0]), secret: Array(secret))
    }
}
