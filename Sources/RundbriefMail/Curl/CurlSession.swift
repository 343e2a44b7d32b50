import CCurl

/// How a libcurl connection reaches its server: the URL, TLS (STARTTLS policy, CA file, verification),
/// the login and the timeouts. The SMTP transport and the bounce mailbox share it, and
/// ``CurlEasyHandle/apply(_:)`` is the one place that turns it into libcurl options.
public struct CurlSession: Sendable, Hashable, CustomStringConvertible {
    /// `smtp[s]://host:port`, `imap[s]://host[:port]/MAILBOX` or `pop3[s]://host[:port]`.
    public var url: String
    /// The login name, if the server wants one.
    public var username: String?
    /// The password; never logged, never part of ``description``.
    public var password: String?
    /// The STARTTLS policy for the plain schemes.
    public var startTLS: StartTLSPolicy
    /// A PEM file of CA certificates to trust instead of the system store (private servers).
    public var caFile: String?
    /// Verify the server's certificate and host name. Turn off only for tests.
    public var verifyPeer: Bool
    /// Time allowed for TCP connect and the TLS handshake; `nil` leaves libcurl's default (300 s).
    public var connectTimeout: Duration?
    /// Time allowed for one whole transfer (an SMTP transaction, a mailbox command), including
    /// connecting when needed.
    public var timeout: Duration

    /// Creates a session description; only `url` has no default.
    public init(
        url: String,
        username: String? = nil,
        password: String? = nil,
        startTLS: StartTLSPolicy = .required,
        caFile: String? = nil,
        verifyPeer: Bool = true,
        connectTimeout: Duration? = nil,
        timeout: Duration = .seconds(60)
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The session with the password redacted.
    public var description: String {
        "url=\(url) user=\(username ?? "-") password=\(password == nil ? "-" : "***") "
            + "starttls=\(startTLS.rawValue) ca=\(caFile ?? "system") verify=\(verifyPeer)"
    }
}

extension CurlEasyHandle {
    /// Sets everything `session` describes except the URL, which SMTP extends with the EHLO name
    /// and a mailbox changes per command.
    /// - Throws: ``TransportError`` (`.invalidOption`) naming the first option libcurl refused.
    func apply(_ session: CurlSession) throws(TransportError) {
        try set(CURLOPT_USE_SSL, session.startTLS.curlValue, name: "CURLOPT_USE_SSL")
        try set(CURLOPT_SSL_VERIFYPEER, session.verifyPeer ? 1 : 0, name: "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, session.verifyPeer ? 2 : 0, name: "CURLOPT_SSL_VERIFYHOST")
        if let caFile = session.caFile {
            try set(CURLOPT_CAINFO, caFile, name: "CURLOPT_CAINFO")
        }
        if let username = session.username {
            try set(CURLOPT_USERNAME, username, name: "CURLOPT_USERNAME")
            try set(CURLOPT_PASSWORD, session.password ?? "", name: "CURLOPT_PASSWORD")
        }
        if let connectTimeout = session.connectTimeout {
            try set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.curlMilliseconds, name: "CURLOPT_CONNECTTIMEOUT_MS")
        }
        try set(CURLOPT_TIMEOUT_MS, session.timeout.curlMilliseconds, name: "CURLOPT_TIMEOUT_MS")
    }
}

extension Duration {
    /// Whole milliseconds, for libcurl's `_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
