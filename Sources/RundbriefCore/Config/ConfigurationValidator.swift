import Foundation

/// Checks the values that a type alone cannot, and fills in values derived from others.
struct ConfigurationValidator {
    /// Where a key was set: "file:line", "environment RUNDBRIEF_...", or the file for a default.
    var locate: (String) -> String
    /// The files the configuration names (a CA file, a token key file).
    var files: ConfigurationFiles

    /// - Returns: every problem found (empty when the configuration is valid).
    func validate(_ config: inout Configuration) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        func fail(_ key: String, _ message: String) {
            problems.append(ConfigurationError(location: locate(key), key: key, message: message))
        }
        if config.database.path.isEmpty { fail("database.path", "must not be empty") }
        if Configuration.HTTPSection.split(config.http.listen) == nil {
            fail(
                "http.listen",
                "must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080 (got '\(config.http.listen)')")
        }
        let base = URL(string: config.http.baseURL)
        if !["http", "https"].contains(base?.scheme?.lowercased() ?? "") || base?.host == nil {
            fail(
                "http.base_url", "must be an http:// or https:// URL (got '\(config.http.baseURL)')")
        }
        if let base, base.scheme?.lowercased() == "http", base.host != nil, let problem = Self.baseURLProblem(base) {
            fail("http.base_url", "\(problem) (got '\(config.http.baseURL)')")
        }
        while config.http.baseURL.hasSuffix("/") { config.http.baseURL.removeLast() }
        for proxy in config.http.trustedProxies where IPNetwork(proxy) == nil {
            fail(
                "http.trusted_proxies",
                "'\(proxy)' is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8)")
        }
        if !config.metrics.listen.isEmpty, Configuration.HTTPSection.split(config.metrics.listen) == nil {
            fail(
                "metrics.listen",
                "must be host:port, e.g. 127.0.0.1:9464, or empty (got '\(config.metrics.listen)')")
        }
        validateAdmin(&config, fail)
        let smtp = URL(string: config.smtp.url)
        if !["smtp", "smtps"].contains(smtp?.scheme?.lowercased() ?? "") || smtp?.host == nil {
            fail(
                "smtp.url", "must be smtp://host:port or smtps://host:port (got '\(config.smtp.url)')")
        }
        if !config.smtp.caFile.isEmpty, !files.isReadable(config.smtp.caFile) {
            fail("smtp.ca_file", "cannot read \(config.smtp.caFile)")
        }
        validateSender(&config, fail)
        if TimeZone(identifier: config.delivery.timezone) == nil {
            fail(
                "delivery.timezone",
                "unknown time zone '\(config.delivery.timezone)' (use an IANA name such as Europe/Berlin)")
        }
        if config.delivery.retryMaxSeconds < config.delivery.retryInitialSeconds {
            fail(
                "delivery.retry_max_seconds", "must not be smaller than delivery.retry_initial_seconds")
        }
        for key in config.tokens.keys where TokenKeyText.parse(key) == nil {
            fail(
                "tokens.keys", "each key must be \"id:base64secret\" with a secret of at least 16 bytes")
        }
        if !config.tokens.keyFile.isEmpty, !files.isReadable(config.tokens.keyFile) {
            fail("tokens.key_file", "cannot read \(config.tokens.keyFile)")
        }
        if let problem = Self.dkimProblem(config.dkim) { fail(problem.key, problem.message) }
        if !["de", "en"].contains(config.web.defaultLanguage) {
            fail("web.default_language", "must be \"de\" or \"en\"")
        }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(
            config.log.level)
        {
            fail("log.level", "must be one of trace, debug, info, notice, warning, error, critical")
        }
        if !config.bounces.mailboxURL.isEmpty {
            let scheme = URL(string: config.bounces.mailboxURL)?.scheme?.lowercased() ?? ""
            if !["imap", "imaps", "pop3", "pop3s"].contains(scheme) {
                fail("bounces.mailbox_url", "must be an imap://, imaps://, pop3:// or pop3s:// URL")
            }
        }
        return problems
    }

    private func validateSender(_ config: inout Configuration, _ fail: (String, String) -> Void) {
        let senderAddress: EmailAddress
        do {
            senderAddress = try EmailAddress(config.sender.address)
        } catch {
            return fail("sender.address", "not a valid address: \(error.reason)")
        }
        config.sender.address = senderAddress.value
        if config.sender.name.contains(where: \.isNewline) {
            fail("sender.name", "must be one line")
        }
        if !config.sender.replyTo.isEmpty {
            do {
                config.sender.replyTo = try EmailAddress(config.sender.replyTo).value
            } catch {
                fail("sender.reply_to", "not a valid address: \(error.reason)")
            }
        }
        if config.sender.bounceDomain.isEmpty { config.sender.bounceDomain = senderAddress.domain }
        do {
            _ = try EmailAddress("\(config.sender.bounceLocalPart)@\(config.sender.bounceDomain)")
        } catch {
            fail(
                "sender.bounce_domain",
                "bounce_local_part@bounce_domain is not a valid address: \(error.reason)")
        }
        if config.sender.unsubscribeAddress.isEmpty {
            config.sender.unsubscribeAddress = "unsubscribe@\(config.sender.bounceDomain)"
        }
        do {
            config.sender.unsubscribeAddress = try EmailAddress(config.sender.unsubscribeAddress).value
        } catch {
            fail("sender.unsubscribe_address", "not a valid address: \(error.reason)")
        }
        if config.sender.feedbackID.contains(where: { $0.isWhitespace || $0 == ":" }) {
            fail("sender.feedback_id", "must not contain spaces or ':'")
        }
        validatePublishing(&config, fail)
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
