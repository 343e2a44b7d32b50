/// Rundbrief's configuration: one value, built once at start from the TOML file and the environment,
/// handed to each component as the section it needs. Defaults live here, in code.
public struct Configuration: Sendable, Equatable {
    public var database = DatabaseSection()
    public var http = HTTPSection()
    public var smtp = SMTPSection()
    public var sender = SenderSection()
    public var delivery = DeliverySection()
    public var tokens = TokensSection()
    public var dkim = DKIMSection()
    public var bounces = BouncesSection()
    public var web = WebSection()
    public var metrics = MetricsSection()
    public var admin = AdminSection()
    public var templates = TemplatesSection()
    public var log = LogSection()
    public var secrets = SecretsSection()
    /// The file the configuration came from (for messages).
    public var sourcePath = "(defaults)"

    public init() {}

    public struct DatabaseSection: Sendable, Equatable {
        public var path = "/var/lib/rundbrief/rundbrief.sqlite"
        public var busyTimeoutSeconds = 5
    }

    public struct HTTPSection: Sendable, Equatable {
        /// `host:port` to listen on (`[::1]:8080` for IPv6).
        public var listen = "127.0.0.1:8080"
        /// The public URL subscribers reach the web pages at (links in mails are built from it).
        public var baseURL = "http://127.0.0.1:8080"
        public var maxBodyBytes = 16_384
        /// Deprecated (one release): `true` trusts X-Forwarded-For from loopback peers only, as if
        /// `trustedProxies` were `["127.0.0.0/8", "::1"]`. Use `trustedProxies`.
        public var trustForwardedFor = false
        /// The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed.
        public var trustedProxies: [String] = []
        /// A connection must deliver a complete request header within this many seconds of opening
        /// (or of the previous response on a kept-alive connection), or it is closed.
        public var headerTimeoutSeconds = 10
        /// A connection on which nothing arrives for this many seconds is closed (also mid-body).
        public var idleTimeoutSeconds = 30
        /// Open connections at most; further ones are closed at once.
        public var maxConnections = 512
    }

    public enum StartTLS: String, Sendable, Equatable, CaseIterable {
        case required, opportunistic, off
    }

    public struct SMTPSection: Sendable, Equatable {
        public var url = "smtp://127.0.0.1:25"
        public var username = ""
        public var password = ""
        public var startTLS = StartTLS.opportunistic
        public var verifyTLS = true
        public var caFile = ""
        public var concurrency = 4
        public var connectTimeoutSeconds = 15
        public var timeoutSeconds = 120
        public var heloName = ""
    }

    public struct SenderSection: Sendable, Equatable {
        public var name = "Rundbrief"
        public var address = "newsletter@example.org"
        public var replyTo = ""
        /// The postal address printed in every footer (an imprint is required in Germany).
        public var postalAddress = ""
        public var website = ""
        /// The domain of the VERP envelope sender (bounces+…@domain); defaults to the sender's domain.
        public var bounceDomain = ""
        public var bounceLocalPart = "bounces"
        /// The mailto: unsubscribe address; defaults to unsubscribe@<bounce domain>.
        public var unsubscribeAddress = ""
        /// The sender part of Feedback-ID (for Gmail's feedback loop).
        public var feedbackID = "rundbrief"
        /// The address for quick electronic contact, shown in every footer (imprint rules, § 5 DDG).
        public var contactEmail = ""
        /// The privacy policy's URL, linked from every footer and page.
        public var privacyURL = ""
        /// The imprint's URL, linked from every footer and page.
        public var imprintURL = ""
        /// Put in front of the subject of `edition test-send` messages.
        public var testSubjectPrefix = "[TEST] "
        /// The header (`Name: value`) that marks `edition test-send` messages; empty leaves it out.
        public var testHeader = "X-Rundbrief-Test: yes"
        /// Domains besides the sender's own (and the DKIM domain) that an edition's `from:` may use.
        public var allowedFromDomains: [String] = []
    }

    public struct DomainLimit: Sendable, Equatable {
        public var domain: String
        public var concurrency: Int
        public var rate: Double

        public init(domain: String, concurrency: Int, rate: Double) {
            self.domain = domain
            self.concurrency = concurrency
            self.rate = rate
        }
    }

    public struct DeliverySection: Sendable, Equatable {
        /// Messages per second over all connections; 0 = unlimited.
        public var rate = 0.0
        /// Messages per hour; 0 = unlimited.
        public var ratePerHour = 0
        public var timezone = "Europe/Berlin"
        public var batchSize = 200
        public var retryInitialSeconds = 300
        public var retryMaxSeconds = 21_600
        /// A deferred message older than this is given up (failed).
        public var maxAgeHours = 72
        /// Consecutive connection failures after which a running send pauses itself...
        public var pauseAfterConnectionFailures = 20
        /// ...once they have lasted this long; it resumes by itself when the relay answers again.
        public var pauseAfterSeconds = 300
        /// A scheduled send found this much overdue after downtime waits for `send resume`.
        public var overdueAfterMinutes = 60
        public var progressIntervalSeconds = 5
        public var shutdownTimeoutSeconds = 30
        public var domainLimits: [DomainLimit] = []
    }

    public struct TokensSection: Sendable, Equatable {
        /// Keys as "id:base64secret"; the first signs, all verify.
        public var keys: [String] = []
        public var keyFile = ""
        public var confirmTTLHours = 72
    }

    /// One DKIM key: the selector it is published under and its PEM file.
    public struct DKIMKey: Sendable, Equatable {
        public var selector: String
        public var keyFile: String

        public init(selector: String, keyFile: String) {
            self.selector = selector
            self.keyFile = keyFile
        }
    }

    public struct DKIMSection: Sendable, Equatable {
        public var domain = ""
        /// The single-key form (`dkim.selector`, `dkim.key_file`); signs first when set.
        public var selector = ""
        public var keyFile = ""
        /// Further keys from `[[dkim.key]]` tables: every message carries one signature per key.
        public var keys: [DKIMKey] = []
        /// Every key that signs, the single-key form first.
        public var signingKeys: [DKIMKey] {
            (keyFile.isEmpty ? [] : [DKIMKey(selector: selector, keyFile: keyFile)]) + keys
        }
        public var isEnabled: Bool { !signingKeys.isEmpty }
    }

    public struct BouncesSection: Sendable, Equatable {
        public var mailboxURL = ""
        public var mailboxUsername = ""
        public var mailboxPassword = ""
        public var processedMailbox = ""
        /// STARTTLS for `imap://` and `pop3://` (the `s` schemes are always TLS).
        public var mailboxStartTLS = StartTLS.required
        public var mailboxVerifyTLS = true
        public var mailboxCAFile = ""
        public var pollIntervalSeconds = 300
        public var softLimit = 3
        public var softWindowDays = 30
        public var pauseHardBounceRate = 0.05
        public var pauseComplaintRate = 0.003
        public var pauseMinimumSample = 200
    }

    public struct WebSection: Sendable, Equatable {
        public var defaultLanguage = "de"
        public var signupsPerIPPerHour = 20
        public var signupsPerAddressPerDay = 3
        /// Confirmation mails per hour over all addresses: a flood of sign-ups cannot turn the
        /// daemon into a mail cannon (over the budget, sign-ups are recorded but get no mail).
        public var confirmationMailsPerHour = 500
        public var welcomeMail = true
        /// The data-protection notice under the sign-up form (GDPR Art. 13); empty shows the built-in text.
        public var privacyNotice = ""
    }

    public struct MetricsSection: Sendable, Equatable {
        /// Where `/metrics` listens (host:port), apart from the public pages; empty = no metrics.
        public var listen = "127.0.0.1:9464"
        /// When set, `/metrics` wants `Authorization: Bearer <token>` (or credential `metrics-token`).
        public var bearerToken = ""
    }

    public struct AdminSection: Sendable, Equatable {
        /// Where the editors' console and the `/api/v1` admin API listen (host:port), apart from the
        /// public pages; empty = no admin listener.
        public var listen = "127.0.0.1:8081"
        /// The URL editors reach the console at; session cookies are `Secure` unless it is loopback http.
        public var baseURL = "http://127.0.0.1:8081"
    }

    public struct TemplatesSection: Sendable, Equatable {
        public var directory = "/usr/share/rundbrief/templates"
    }

    public struct LogSection: Sendable, Equatable {
        public var level = "info"
    }

    public struct SecretsSection: Sendable, Equatable {
        /// Where secrets are read from when `$CREDENTIALS_DIRECTORY` is unset (a shell, not the
        /// service): the files the unit hands to the service, so the CLI finds the same ones.
        public var credentialsDirectory = "/etc/rundbrief/credentials"
    }
}
