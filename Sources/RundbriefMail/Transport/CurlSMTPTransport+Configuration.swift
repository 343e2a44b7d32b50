extension CurlSMTPTransport {
  /// How the transport reaches its relay.
  public struct Configuration: Sendable, CustomStringConvertible {
    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    /// The SMTP AUTH user, if the relay wants one.
    public var username: String?
    /// The SMTP AUTH password; never logged, never part of ``description``.
    public var password: String?
    /// The STARTTLS policy.
    public var startTLS: StartTLSPolicy
    /// A PEM file of CA certificates to trust instead of the system store (private relays).
    public var caFile: String?
    /// Verify the relay's certificate and host name. Turn off only for tests.
    public var verifyPeer: Bool
    /// Time allowed for TCP connect and the TLS handshake.
    public var connectTimeout: Duration
    /// Time allowed for one whole transaction, including connecting when needed.
    public var transactionTimeout: Duration
    /// Parallel connections, each on its own thread with its own reused libcurl handle.
    public var concurrency: Int
    /// The name sent with EHLO; libcurl's default otherwise.
    public var localHostname: String?

    /// Creates a configuration; only `url` has no default.
    public init(
      url: String,
      username: String? = nil,
      password: String? = nil,
      startTLS: StartTLSPolicy = .required,
      caFile: String? = nil,
      verifyPeer: Bool = true,
      connectTimeout: Duration = .seconds(10),
      transactionTimeout: Duration = .seconds(120),
      concurrency: Int = 4,
      localHostname: String? = nil
    ) {
      self.url = url
      self.username = username
      self.password = password
      self.startTLS = startTLS
      self.caFile = caFile
      self.verifyPeer = verifyPeer
      self.connectTimeout = connectTimeout
      self.transactionTimeout = transactionTimeout
      self.concurrency = concurrency
      self.localHostname = localHostname
    }

    /// The configuration with the password redacted.
    public var description: String {
      "url=\(url) user=\(username ?? "-") password=\(password == nil ? "-" : "***") "
        + "starttls=\(startTLS.rawValue) ca=\(caFile ?? "system") verify=\(verifyPeer) "
        + "concurrency=\(concurrency)"
    }

    /// The URL libcurl gets: the EHLO name travels as the URL's path.
    var effectiveURL: String {
      guard let localHostname, !localHostname.isEmpty else { return url }
      let base = url.hasSuffix("/") ? String(url.dropLast()) : url
      return "\(base)/\(localHostname)"
    }

    func validate() throws(TransportError) {
      let lowered = url.lowercased()
      guard lowered.hasPrefix("smtp://") || lowered.hasPrefix("smtps://") else {
        throw TransportError(.invalidConfiguration, "SMTP URL must start with smtp:// or smtps://")
      }
      guard concurrency >= 1 else {
        throw TransportError(
          .invalidConfiguration, "concurrency must be at least 1, got \(concurrency)")
      }
    }
  }
}

extension Duration {
  /// Whole milliseconds, for libcurl's `_MS` options.
  var curlMilliseconds: Int {
    let (seconds, attoseconds) = components
    return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
  }
}
