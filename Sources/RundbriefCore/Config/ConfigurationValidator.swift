import Foundation

/// Checks the values that a type alone cannot, and fills in values derived from others.
struct ConfigurationValidator {
    var path: String

    func validate(_ config: inout Configuration) throws(ConfigurationError) {
        func fail(_ key: String, _ message: String) -> ConfigurationError {
            ConfigurationError(location: path, key: key, message: message)
        }
        if config.database.path.isEmpty { throw fail("database.path", "must not be empty") }
        if Configuration.HTTPSection.split(config.http.listen) == nil {
            throw fail(
                "http.listen",
                "must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080 (got '\(config.http.listen)')")
        }
        guard let base = URL(string: config.http.baseURL), let scheme = base.scheme?.lowercased(),
            scheme == "http" || scheme == "https", base.host != nil
        else {
            throw fail(
                "http.base_url", "must be an http:// or https:// URL (got '\(config.http.baseURL)')")
        }
        if let problem = Self.baseURLProblem(base) {
            throw fail("http.base_url", "\(problem) (got '\(config.http.baseURL)')")
        }
        while config.http.baseURL.hasSuffix("/") { config.http.baseURL.removeLast() }
        guard let smtp = URL(string: config.smtp.url), let smtpScheme = smtp.scheme?.lowercased(),
            smtpScheme == "smtp" || smtpScheme == "smtps", smtp.host != nil
        else {
            throw fail(
                "smtp.url", "must be smtp://host:port or smtps://host:port (got '\(config.smtp.url)')")
        }
        if !config.smtp.caFile.isEmpty, !FileManager.default.isReadableFile(atPath: config.smtp.caFile) {
            throw fail("smtp.ca_file", "cannot read \(config.smtp.caFile)")
        }
        try validateSender(&config, fail)
        if TimeZone(identifier: config.delivery.timezone) == nil {
            throw fail(
                "delivery.timezone",
                "unknown time zone '\(config.delivery.timezone)' (use an IANA name such as Europe/Berlin)")
        }
        if config.delivery.retryMaxSeconds < config.delivery.retryInitialSeconds {
            throw fail(
                "delivery.retry_max_seconds", "must not be smaller than delivery.retry_initial_seconds")
        }
        for key in config.tokens.keys where TokenKeyText.parse(key) == nil {
            throw fail(
                "tokens.keys", "each key must be \"id:base64secret\" with a secret of at least 16 bytes")
        }
        if !config.tokens.keyFile.isEmpty,
            !FileManager.default.isReadableFile(atPath: config.tokens.keyFile)
        {
            throw fail("tokens.key_file", "cannot read \(config.tokens.keyFile)")
        }
        if let problem = Self.dkimProblem(config.dkim) { throw fail(problem.key, problem.message) }
        if !["de", "en"].contains(config.web.defaultLanguage) {
            throw fail("web.default_language", "must be \"de\" or \"en\"")
        }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(
            config.log.level)
        {
            throw fail("log.level", "must be one of trace, debug, info, notice, warning, error, critical")
        }
        if !config.bounces.mailboxURL.isEmpty {
            let scheme = URL(string: config.bounces.mailboxURL)?.scheme?.lowercased() ?? ""
            if !["imap", "imaps", "pop3", "pop3s"].contains(scheme) {
                throw fail("bounces.mailbox_url", "must be an imap://, imaps://, pop3:// or pop3s:// URL")
            }
        }
    }

    private func validateSender(
        _ config: inout Configuration, _ fail: (String, String) -> ConfigurationError
    ) throws(ConfigurationError) {
        let senderAddress: EmailAddress
        do {
            senderAddress = try EmailAddress(config.sender.address)
        } catch {
            throw fail("sender.address", "not a valid address: \(error.reason)")
        }
        config.sender.address = senderAddress.value
        if config.sender.name.contains(where: \.isNewline) {
            throw fail("sender.name", "must be one line")
        }
        if !config.sender.replyTo.isEmpty {
            do {
                config.sender.replyTo = try EmailAddress(config.sender.replyTo).value
            } catch {
                throw fail("sender.reply_to", "not a valid address: \(error.reason)")
            }
        }
        if config.sender.bounceDomain.isEmpty { config.sender.bounceDomain = senderAddress.domain }
        do {
            _ = try EmailAddress("\(config.sender.bounceLocalPart)@\(config.sender.bounceDomain)")
        } catch {
            throw fail(
                "sender.bounce_domain",
                "bounce_local_part@bounce_domain is not a valid address: \(error.reason)")
        }
        if config.sender.unsubscribeAddress.isEmpty {
            config.sender.unsubscribeAddress = "unsubscribe@\(config.sender.bounceDomain)"
        }
        do {
            config.sender.unsubscribeAddress = try EmailAddress(config.sender.unsubscribeAddress).value
        } catch {
            throw fail("sender.unsubscribe_address", "not a valid address: \(error.reason)")
        }
        if config.sender.feedbackID.contains(where: { $0.isWhitespace || $0 == ":" }) {
            throw fail("sender.feedback_id", "must not contain spaces or ':'")
        }
        try validatePublishing(&config)
    }
}

/// A token key as written in the configuration: `id:base64secret`.
public enum TokenKeyText {
    /// The key id and secret bytes, or nil when the text is malformed or the secret shorter than 16 bytes.
    public static func parse(_ text: String) -> (id: String, secret: [UInt8])? {
        let trimmed = text.trimmingWhitespace
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let id = String(trimmed[..<colon])
        var encoded = String(trimmed[trimmed.index(after: colon)...])
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while encoded.count % 4 != 0 { encoded += "=" }
        guard !id.isEmpty, id.count <= 16, id.allSatisfy({ $0.isLetter || $0.isNumber }),
            let data = Data(base64Encoded: encoded), data.count >= 16
        else { return nil }
        return (id, Array(data))
    }
}
