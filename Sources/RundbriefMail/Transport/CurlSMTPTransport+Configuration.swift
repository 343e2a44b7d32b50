extension CurlSMTPTransport {
    /// How the transport reaches its relay: the ``CurlSession`` (URL, TLS, login, timeouts) and what
    /// only SMTP has. Reads and writes the session's fields directly (`configuration.caFile`).
    @dynamicMemberLookup
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The relay, `smtp://host:port` or `smtps://host:port`, and how to talk to it; its
        /// `timeout` covers one whole transaction, including connecting when needed.
        public var session: CurlSession
        /// Parallel connections, kept open across messages and driven by at most two threads.
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
            session = CurlSession(
                url: url, username: username, password: password, startTLS: startTLS, caFile: caFile,
                verifyPeer: verifyPeer, connectTimeout: connectTimeout, timeout: transactionTimeout)
            self.concurrency = concurrency
            self.localHostname = localHostname
        }

        /// A field of the session: `url`, `username`, `startTLS`, `caFile`, `verifyPeer`, ...
        public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CurlSession, Value>) -> Value {
            get { session[keyPath: keyPath] }
            set { session[keyPath: keyPath] = newValue }
        }

        /// The configuration with the password redacted.
        public var description: String {
            "\(session) concurrency=\(concurrency)"
        }

        /// The URL libcurl gets: the EHLO name travels as the URL's path.
        var effectiveURL: String {
            let url = session.url
            guard let localHostname, !localHostname.isEmpty else { return url }
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            return "\(base)/\(localHostname)"
        }

        func validate() throws(TransportError) {
            let lowered = session.url.lowercased()
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
