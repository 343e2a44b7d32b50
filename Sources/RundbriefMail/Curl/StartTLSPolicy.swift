import CCurl

/// Whether to upgrade a plain connection (`smtp://`, `imap://`, `pop3://`) with STARTTLS;
/// the `s` schemes (`smtps://`, `imaps://`, `pop3s://`) are always TLS.
public enum StartTLSPolicy: String, Sendable, Hashable, CaseIterable {
    /// Refuse to talk unless the server offers STARTTLS (libcurl's CURLUSESSL_ALL).
    case required
    /// Upgrade when offered, else continue in clear text (CURLUSESSL_TRY).
    case opportunistic
    /// Never upgrade (CURLUSESSL_NONE): for loopback test servers only.
    case off

    var curlValue: Int {
        let value: curl_usessl =
            switch self {
            case .required: CURLUSESSL_ALL
            case .opportunistic: CURLUSESSL_TRY
            case .off: CURLUSESSL_NONE
            }
        return Int(value.rawValue)
    }
}
