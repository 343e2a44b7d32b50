import Crypto
import Foundation
import _CryptoExtras

/// A DKIM signing key: RSA (rsa-sha256, RFC 6376) or Ed25519 (ed25519-sha256, RFC 8463).
public struct DKIMPrivateKey: Sendable {
    /// The signature algorithm, as written in the `a=` tag.
    public enum Algorithm: String, Sendable {
        case rsaSHA256 = "rsa-sha256"
        case ed25519SHA256 = "ed25519-sha256"
    }

    private enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    private let backing: Backing

    /// The algorithm this key signs with.
    public var algorithm: Algorithm {
        switch backing {
        case .rsa: .rsaSHA256
        case .ed25519: .ed25519SHA256
        }
    }

    /// Parses a PEM private key file read through `files`: `RSA PRIVATE KEY` (PKCS#1), or `PRIVATE KEY`
    /// (PKCS#8) holding RSA or Ed25519, as `openssl genpkey` writes them.
    /// - Throws: ``DKIMError`` naming `path` when it cannot be read or parsed.
    public init(pemFile path: String, files: ConfigurationFiles) throws {
        guard let data = files.contents(path), let pem = String(data: data, encoding: .utf8) else {
            throw DKIMError(.unreadableKey, source: path, reason: "cannot read the key file")
        }
        try self.init(pemRepresentation: pem, source: path)
    }

    /// Parses a PEM private key; `source` names it in errors (a file or a setting).
    /// - Throws: ``DKIMError`` `.invalidKey` for anything but a supported private key.
    public init(pemRepresentation pem: String, source: String) throws {
        if let der = PEM.der(in: pem, label: "PRIVATE KEY"), let seed = Ed25519PKCS8.seed(in: der) {
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
                throw DKIMError(.invalidKey, source: source, reason: "invalid Ed25519 key")
            }
            backing = .ed25519(key)
            return
        }
        guard
            pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN PRIVATE KEY-----")
        else {
            throw DKIMError(
                .invalidKey, source: source, reason: "no PEM private key (PKCS#1 or PKCS#8) found")
        }
        // RFC 8301: verifiers accept 1024 bits and up; check-config warns under 2048.
        do {
            backing = .rsa(try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem))
        } catch {
            throw DKIMError(
                .invalidKey, source: source,
                reason: "not an RSA key of at least 1024 bits or an Ed25519 key")
        }
    }

    /// The RSA modulus size in bits; nil for Ed25519.
    public var rsaBits: Int? {
        if case .rsa(let key) = backing { key.keySizeInBits } else { nil }
    }

    /// The key as a PEM file this type reads back: PKCS#8 (`PRIVATE KEY`) for both algorithms.
    public var pemRepresentation: String {
        switch backing {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): Ed25519PKCS8.pem(seed: Array(key.rawRepresentation))
        }
    }

    /// A new random key: RSA of `rsaBits` bits or Ed25519.
    /// - Throws: ``DKIMError`` `.invalidKey` if the crypto library cannot make the key.
    public static func generate(_ algorithm: Algorithm, rsaBits: Int = 2048) throws -> DKIMPrivateKey {
        switch algorithm {
        case .ed25519SHA256:
            return DKIMPrivateKey(backing: .ed25519(Curve25519.Signing.PrivateKey()))
        case .rsaSHA256:
            do {
                return DKIMPrivateKey(
                    backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .init(bitCount: rsaBits))))
            } catch {
                throw DKIMError(.invalidKey, source: "generate", reason: "cannot make an RSA key of \(rsaBits) bits")
            }
        }
    }

    private init(backing: Backing) {
        self.backing = backing
    }

    /// The DNS TXT record to publish at `selector._domainkey.domain`.
    public var dnsRecord: String {
        switch backing {
        case .rsa(let key):
            "v=DKIM1; k=rsa; p=\(key.publicKey.derRepresentation.base64EncodedString())"
        case .ed25519(let key):
            "v=DKIM1; k=ed25519; p=\(key.publicKey.rawRepresentation.base64EncodedString())"
        }
    }

    /// Signs the SHA-256 digest of the canonical header data. RSA signs the digest
    /// with PKCS#1 v1.5; Ed25519 signs the 32 digest bytes (RFC 8463 §3).
    func sign(_ digest: SHA256Digest) throws -> [UInt8] {
        switch backing {
        case .rsa(let key):
            return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
        case .ed25519(let key):
            return Array(try key.signature(for: Array(digest)))
        }
    }
}
