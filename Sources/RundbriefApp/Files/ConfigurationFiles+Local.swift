import Foundation
public import RundbriefCore

extension ConfigurationFiles {
    /// This machine's file system: RundbriefCore reads no file, so the application layer hands this in.
    public static let local = ConfigurationFiles(
        contents: { FileManager.default.contents(atPath: $0) },
        exists: { FileManager.default.fileExists(atPath: $0) },
        isReadable: { FileManager.default.isReadableFile(atPath: $0) })
}

extension ConfigurationLoader {
    /// A loader over this process's environment and this machine's files.
    public init() {
        self.init(environment: ProcessInfo.processInfo.environment, files: .local)
    }
}

extension Configuration.TokensSection {
    /// The token keys from `keys` and the `key_file` on disk, first signs.
    /// - Throws: `ConfigurationError` when none is configured or the file is unreadable or malformed.
    public func tokenKeys() throws(ConfigurationError) -> [TokenKey] {
        try tokenKeys(files: .local)
    }

    /// A signer over the configured keys (`key_file` read from disk).
    /// - Throws: `ConfigurationError` as `tokenKeys()`.
    public func signer() throws(ConfigurationError) -> TokenSigner {
        try signer(files: .local)
    }

    /// The ids of configured keys whose secret is the public development key.
    public func publicKeyIDs() -> [String] {
        publicKeyIDs(files: .local)
    }
}

extension Configuration.DKIMSection {
    /// One signer per configured key, the key files read from disk; empty when no key is configured.
    /// - Throws: `DKIMError` naming the key file when it cannot be read or used.
    public func signers() throws -> [DKIMSigner] {
        try signers(files: .local)
    }
}

extension DKIMPrivateKey {
    /// Reads a PEM private key file from disk: `RSA PRIVATE KEY` (PKCS#1), or `PRIVATE KEY` (PKCS#8)
    /// holding RSA or Ed25519, as `openssl genpkey` writes them.
    /// - Throws: ``DKIMError`` naming `path` when it cannot be read or parsed.
    public init(contentsOfPEMFile path: String) throws {
        try self.init(pemFile: path, files: .local)
    }
}
