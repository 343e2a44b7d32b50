import Crypto

/// The form in which an erased or blocked address is remembered: never the address itself.
public enum SuppressionHash {
    /// Lower-case hex SHA-256 of the lower-cased, normalised address.
    public static func of(_ normalisedEmail: String) -> String {
        let digest = SHA256.hash(data: Array(normalisedEmail.lowercased().utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
