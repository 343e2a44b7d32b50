import Foundation

/// Just enough PEM and PKCS#8 to find an Ed25519 seed; RSA parsing is left to
/// the crypto library.
enum PEM {
    /// The DER bytes between `-----BEGIN label-----` and `-----END label-----`.
    static func der(in pem: String, label: String) -> [UInt8]? {
        guard let begin = pem.range(of: "-----BEGIN \(label)-----"),
            let end = pem.range(of: "-----END \(label)-----", range: begin.upperBound..<pem.endIndex)
        else { return nil }
        let body = pem[begin.upperBound..<end.lowerBound]
        return Data(base64Encoded: String(body), options: .ignoreUnknownCharacters).map(Array.init)
    }
}

/// The fixed PKCS#8 layout of an Ed25519 private key (RFC 8410 §7).
enum Ed25519PKCS8 {
    /// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }
    private static let prefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    /// The PEM `PRIVATE KEY` file for a 32-byte seed, lines of 64 characters as OpenSSL writes them.
    static func pem(seed: [UInt8]) -> String {
        let base64 = Data(prefix + seed).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PRIVATE KEY-----\n\(base64)\n-----END PRIVATE KEY-----\n"
    }

    static func seed(in der: [UInt8]) -> [UInt8]? {
        guard der.count == prefix.count + 32, der.starts(with: prefix) else { return nil }
        return Array(der[prefix.count...])
    }
}
