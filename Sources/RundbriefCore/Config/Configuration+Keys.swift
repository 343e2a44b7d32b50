extension Configuration {
    /// Every key the file and the environment may set. `config/rundbrief.example.toml` documents each one.
    static var keys: [ConfigurationKey] {
        typealias Key = ConfigurationKey
        return [
            .string("database", "path", \.database.path),
            .integer("database", "busy_timeout_seconds", \.database.busyTimeoutSeconds, 0...600),

            .string("http", "listen", \.http.listen),
            .string("http", "base_url", \.http.baseURL),
            .integer("http", "max_body_bytes", \.http.maxBodyBytes, 1_024...1_048_576),
            .boolean("http", "trust_forwarded_for", \.http.trustForwardedFor),
            .strings("http", "trusted_proxies", \.http.trustedProxies),
            .integer("http", "header_timeout_seconds", \.http.headerTimeoutSeconds, 1...3_600),
            .integer("http", "idle_timeout_seconds", \.http.idleTimeoutSeconds, 1...3_600),
            .integer("http", "max_connections", \.http.maxConnections, 1...1_000_000),

            .string("smtp", "url", \.smtp.url),
            .string("smtp", "username", \.smtp.username),
            .string("smtp", "password", \.smtp.password),
            .choice("smtp", "starttls", \.smtp.startTLS),
            .boolean("smtp", "verify_tls", \.smtp.verifyTLS),
            .string("smtp", "ca_file", \.smtp.caFile),
            .integer("smtp", "concurrency", \.smtp.concurrency, 1...64),
            .integer("smtp", "connect_timeout_seconds", \.smtp.connectTimeoutSeconds, 1...600),
            .integer("smtp", "timeout_seconds", \.smtp.timeoutSeconds, 1...3_600),
            .string("smtp", "helo_name", \.smtp.heloName),

            .string("sender", "name", \.sender.name),
            .string("sender", "address", \.sender.address),
            .string("sender", "reply_to", \.sender.replyTo),
            .string("sender", "postal_address", \.sender.postalAddress),
            .string("sender", "website", \.sender.website),
            .string("sender", "bounce_domain", \.sender.bounceDomain),
            .string("sender", "bounce_local_part", \.sender.bounceLocalPart),
            .string("sender", "unsubscribe_address", \.sender.unsubscribeAddress),
            .string("sender", "feedback_id", \.sender.feedbackID),
            .string("sender", "contact_email", \.sender.contactEmail),
            .string("sender", "privacy_url", \.sender.privacyURL),
            .string("sender", "imprint_url", \.sender.imprintURL),
            .string("sender", "test_subject_prefix", \.sender.testSubjectPrefix),
            .string("sender", "test_header", \.sender.testHeader),
            .strings("sender", "allowed_from_domains", \.sender.allowedFromDomains),

            .number("delivery", "rate", \.delivery.rate, 0...100_000),
            .integer("delivery", "rate_per_hour", \.delivery.ratePerHour, 0...100_000_000),
            .string("delivery", "timezone", \.delivery.timezone),
            .integer("delivery", "batch_size", \.delivery.batchSize, 1...10_000),
            .integer("delivery", "retry_initial_seconds", \.delivery.retryInitialSeconds, 1...86_400),
            .integer("delivery", "retry_max_seconds", \.delivery.retryMaxSeconds, 1...604_800),
            .integer("delivery", "max_age_hours", \.delivery.maxAgeHours, 1...720),
            .integer(
                "delivery", "pause_after_connection_failures", \.delivery.pauseAfterConnectionFailures,
                1...100_000),
            .integer("delivery", "pause_after_seconds", \.delivery.pauseAfterSeconds, 0...86_400),
            .integer("delivery", "overdue_after_minutes", \.delivery.overdueAfterMinutes, 0...525_600),
            .integer(
                "delivery", "progress_interval_seconds", \.delivery.progressIntervalSeconds, 1...3_600),
            .integer(
                "delivery", "shutdown_timeout_seconds", \.delivery.shutdownTimeoutSeconds, 1...3_600),

            .strings("tokens", "keys", \.tokens.keys),
            .string("tokens", "key_file", \.tokens.keyFile),
            .integer("tokens", "confirm_ttl_hours", \.tokens.confirmTTLHours, 1...8_760),

            .string("dkim", "domain", \.dkim.domain),
            .string("dkim", "selector", \.dkim.selector),
            .string("dkim", "key_file", \.dkim.keyFile),

            .string("bounces", "mailbox_url", \.bounces.mailboxURL),
            .string("bounces", "mailbox_username", \.bounces.mailboxUsername),
            .string("bounces", "mailbox_password", \.bounces.mailboxPassword),
            .string("bounces", "processed_mailbox", \.bounces.processedMailbox),
            .choice("bounces", "mailbox_starttls", \.bounces.mailboxStartTLS),
            .boolean("bounces", "mailbox_verify_tls", \.bounces.mailboxVerifyTLS),
            .string("bounces", "mailbox_ca_file", \.bounces.mailboxCAFile),
            .integer("bounces", "poll_interval_seconds", \.bounces.pollIntervalSeconds, 10...86_400),
            .integer("bounces", "soft_limit", \.bounces.softLimit, 1...1_000),
            .integer("bounces", "soft_window_days", \.bounces.softWindowDays, 1...3_650),
            .number("bounces", "pause_hard_bounce_rate", \.bounces.pauseHardBounceRate, 0...1),
            .number("bounces", "pause_complaint_rate", \.bounces.pauseComplaintRate, 0...1),
            .integer("bounces", "pause_minimum_sample", \.bounces.pauseMinimumSample, 1...1_000_000),

            .string("web", "default_language", \.web.defaultLanguage),
            .integer("web", "signups_per_ip_per_hour", \.web.signupsPerIPPerHour, 1...100_000),
            .integer("web", "signups_per_address_per_day", \.web.signupsPerAddressPerDay, 1...1_000),
            .integer(
                "web", "confirmation_mails_per_hour", \.web.confirmationMailsPerHour, 1...1_000_000),
            .boolean("web", "welcome_mail", \.web.welcomeMail),
            .string("web", "privacy_notice", \.web.privacyNotice),

            .string("metrics", "listen", \.metrics.listen),
            .string("metrics", "bearer_token", \.metrics.bearerToken),

            .string("admin", "listen", \.admin.listen),
            .string("admin", "base_url", \.admin.baseURL),

            .string("templates", "directory", \.templates.directory),

            .string("log", "level", \.log.level),
            .string("secrets", "credentials_directory", \.secrets.credentialsDirectory),
        ]
    }
}

extension Configuration.HTTPSection {
    /// The host part of `listen` (brackets removed).
    public var host: String { Self.split(listen)?.host ?? "127.0.0.1" }
    /// The port part of `listen`.
    public var port: Int { Self.split(listen)?.port ?? 8080 }

    /// Splits `host:port` or `[v6]:port`; nil when malformed.
    static func split(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"),
            let port = Int(listen[listen.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        return (host, port)
    }
}

extension Configuration.MetricsSection {
    /// `listen` split into host and port; `nil` when metrics are off (empty) or it is malformed.
    public var address: (host: String, port: Int)? {
        listen.isEmpty ? nil : Configuration.HTTPSection.split(listen)
    }
}
