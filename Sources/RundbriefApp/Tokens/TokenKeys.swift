public import Foundation

/// New keys for `tokens.keys` (or the token-key credential).
public enum TokenKeys {
    /// A new random 256-bit key as `id:secret` (base64url without padding).
    /// - Parameter id: 1–16 letters and digits (short: it is part of every link).
    /// - Throws: `OperationError.usage` for an unusable id.
    public static func generate(id: String) throws(OperationError) -> String {
        guard !id.isEmpty, id.count <= 16, id.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw OperationError(.usage, "a key id takes 1–16 letters and digits")
        }
        return "\(id):\(Secret.token())"
    }

    /// The default id: `k` and the day number, so keys made on different days differ.
    public static func defaultID(now: Date) -> String {
        "k\(Int(now.timeIntervalSince1970) / 86_400 % 1000)"
    }
}
