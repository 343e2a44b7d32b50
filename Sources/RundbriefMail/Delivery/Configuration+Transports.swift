public import RundbriefCore

extension CurlSMTPTransport.Configuration {
    /// The transport configuration the `[smtp]` section describes.
    public init(smtp: Configuration.SMTPSection) {
        let policy: StartTLSPolicy =
            switch smtp.startTLS {
            case .required: .required
            case .opportunistic: .opportunistic
            case .off: .off
            }
        self.init(
            url: smtp.url, username: smtp.username.isEmpty ? nil : smtp.username,
            password: smtp.password.isEmpty ? nil : smtp.password, startTLS: policy,
            caFile: smtp.caFile.isEmpty ? nil : smtp.caFile, verifyPeer: smtp.verifyTLS,
            connectTimeout: .seconds(smtp.connectTimeoutSeconds), transactionTimeout: .seconds(smtp.timeoutSeconds),
            concurrency: max(1, smtp.concurrency), localHostname: smtp.heloName.isEmpty ? nil : smtp.heloName)
    }
}
