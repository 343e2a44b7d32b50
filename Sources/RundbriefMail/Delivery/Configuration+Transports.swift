public import RundbriefCore

extension CurlSMTPTransport.Configuration {
    /// The transport configuration the `[smtp]` section describes.
    public init(smtp: Configuration.SMTPSection) {
        self.init(
            url: smtp.url, username: smtp.username.isEmpty ? nil : smtp.username,
            password: smtp.password.isEmpty ? nil : smtp.password, startTLS: StartTLSPolicy(smtp.startTLS),
            caFile: smtp.caFile.isEmpty ? nil : smtp.caFile, verifyPeer: smtp.verifyTLS,
            connectTimeout: .seconds(smtp.connectTimeoutSeconds), transactionTimeout: .seconds(smtp.timeoutSeconds),
            concurrency: max(1, smtp.concurrency), localHostname: smtp.heloName.isEmpty ? nil : smtp.heloName)
    }
}

extension StartTLSPolicy {
    /// The policy a configuration's `starttls` key names.
    public init(_ setting: Configuration.StartTLS) {
        switch setting {
        case .required: self = .required
        case .opportunistic: self = .opportunistic
        case .off: self = .off
        }
    }
}

extension MailboxClient.Configuration {
    /// The bounce mailbox the `[bounces]` section describes.
    public init(bounces: Configuration.BouncesSection) {
        self.init(
            url: bounces.mailboxURL, username: bounces.mailboxUsername.isEmpty ? nil : bounces.mailboxUsername,
            password: bounces.mailboxPassword.isEmpty ? nil : bounces.mailboxPassword,
            startTLS: StartTLSPolicy(bounces.mailboxStartTLS),
            caFile: bounces.mailboxCAFile.isEmpty ? nil : bounces.mailboxCAFile, verifyPeer: bounces.mailboxVerifyTLS)
    }
}
