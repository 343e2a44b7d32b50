import Foundation
public import RundbriefStore

/// A key just created: `key` is shown once and never stored.
public struct CreatedAPIKey: Sendable {
    public var key: String
    public var apiKey: APIKey
}

extension Operations {
    /// Creates an API key for a script. The key is 256 random bits (prefixed `rbk_`); only its SHA-256
    /// is stored.
    public func createAPIKey(name: String, role: Role) throws(OperationError) -> CreatedAPIKey {
        try requireAdmin("manage API keys")
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.count),
            !trimmed.contains(where: { $0.isNewline || $0.isWhitespace && $0 != " " })
        else { throw OperationError(.invalid, "an API key's name must be one line of 1 to 64 characters") }
        let key = "rbk_" + Secret.token()
        let stored = try storing {
            try database.createAPIKey(name: trimmed, role: role, keyHash: Secret.hash(key), now: now)
        }
        audit.record(
            "api_key.created", fields: ["api_key.id": "\(stored.id)", "name": trimmed, "role": role.rawValue], at: now)
        return CreatedAPIKey(key: key, apiKey: stored)
    }

    /// Every key, working and revoked (never the keys themselves).
    public func apiKeys() throws(OperationError) -> [APIKey] {
        try requireAdmin("see API keys")
        return try storing { try database.apiKeys() }
    }

    /// Revokes a key by name: calls with it are refused from now on.
    @discardableResult
    public func revokeAPIKey(name: String) throws(OperationError) -> APIKey {
        try requireAdmin("manage API keys")
        let key = try storing { try database.revokeAPIKey(name: name.trimmingCharacters(in: .whitespaces), now: now) }
        audit.record("api_key.revoked", fields: ["api_key.id": "\(key.id)", "name": key.name], at: now)
        return key
    }

    /// The working key a bearer token names.
    /// - Throws: `OperationError.unauthorized` for a missing, unknown or revoked key.
    public func authenticate(apiKey given: String) throws(OperationError) -> APIKey {
        let hash = Secret.hash(given)
        let found = try storing { try database.workingAPIKey(hash: hash, now: now) }
        guard let found, Secret.equal(found.storedHash, hash) else {
            throw OperationError(.unauthorized, "the API key is missing, unknown or revoked")
        }
        return found.key
    }
}
