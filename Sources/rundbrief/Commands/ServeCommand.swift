import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Prometheus
import RundbriefApp
import RundbriefCore
import RundbriefDaemon
import RundbriefMail
import RundbriefStore
import RundbriefWeb
import ServiceLifecycle
import UnixSignals

/// `rundbrief serve`: the daemon. One `ServiceGroup` runs the HTTP server, the sender and the bounce
/// poller; SIGTERM/SIGINT shut it down gracefully, SIGHUP reloads.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: web pages, scheduled sends, bounce polling (systemd Type=notify).",
        discussion: """
            SIGTERM or SIGINT stops taking work, lets in-flight SMTP transactions finish (at most
            delivery.shutdown_timeout_seconds) and exits 0. SIGHUP reloads templates and the settings that can
            change while running, and logs what it reloaded. Under systemd it reports READY, STATUS, WATCHDOG
            and STOPPING over $NOTIFY_SOCKET.
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        // Before anything that could be signalled: a SIGHUP in the first milliseconds must not kill
        // the daemon (the reload service takes SIGHUP over once it runs).
        signal(SIGHUP, SIG_IGN)
        // A closed log stream or client socket must cost a failed write, not the daemon (systemd ignores
        // SIGPIPE for services by default; a shell does not).
        signal(SIGPIPE, SIG_IGN)
        let config = try reporting { try global.loadConfiguration() }
        for warning in try reporting({ try ConfigurationChecks.publicKey(config) }) {
            Output.note("warning: \(warning)")
        }
        // One daemon per database: the lock comes before the database is opened or anything written,
        // so a second daemon neither re-queues the first one's deliveries nor touches its heartbeat.
        let lock = try reporting { try ServeStartChecks.lock(config) }
        try reporting { try ServeStartChecks.portFree(host: config.http.host, port: config.http.port) }
        let (_, database) = try reporting { try global.open() }
        LoggingBootstrap.bootstrap(configured: config.log.level)
        let logger = Logger(label: "rundbrief")
        let registry = MetricsBootstrap.bootstrap()
        // http.listen was validated when the configuration loaded.
        let address = BindAddress.hostname(config.http.host, port: config.http.port)
        let daemon = Daemon(
            config: config, database: database, logger: logger, notifier: SystemdNotifier(),
            configPath: global.config)
        let work: [any Service]
        let http: [any Service]
        let admin: [any Service]
        let templates: WebTemplates
        let transport: CurlSMTPTransport
        let bulkTransport: CurlSMTPTransport
        do {
            bulkTransport = try CurlSMTPTransport(configuration: .init(smtp: config.smtp))
            work = try daemon.workServices(bulkTransport: bulkTransport)
            transport = try CurlSMTPTransport(configuration: daemon.transportConfiguration())
            (http, templates) = try await daemon.httpService(address: address, transport: transport)
            admin = try await daemon.adminService()
        } catch {
            Output.error("configuration error: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        do {
            try await daemon.run(
                http: http + daemon.metricsService(registry: registry) + admin, work: work, templates: templates)
            // After the web and the sender stopped: mails in flight finish, then the connections say QUIT.
            await transport.shutdown()
            await bulkTransport.shutdown()
        } catch {
            logger.critical("stopped after an error", metadata: ["error": "\(error)"])
            throw ExitCode(70)  // EX_SOFTWARE
        }
        withExtendedLifetime(lock) {}  // held until here: the process ends next
    }
}

/// The daemon's parts, wired once; `ServeCommand` only parses and reports.
private struct Daemon {
    let config: Configuration
    let database: AppDatabase
    let logger: Logger
    let notifier: SystemdNotifier?
    let configPath: String?

    func run(http: [any Service], work: [any Service], templates: WebTemplates) async throws {
        let stateFile = DaemonStateFile(databasePath: config.database.path)
        defer { stateFile.remove() }
        let status = DaemonStatusService(
            notifier: notifier, reporter: activityReporter(), stateFile: stateFile,
            listen: config.http.listen, version: RundbriefVersion.current,
            interval: .seconds(max(1, config.delivery.progressIntervalSeconds)), logger: logger)
        let reload = ReloadSignalService(notifier: notifier, logger: logger) { [self] in
            // Templates first: a broken one fails the reload before anything else changes.
            // (Edition templates are read afresh whenever a send starts.)
            try await templates.reload()
            return "templates, " + (try reloadConfiguration())
        }
        // Listed in dependency order: shutdown runs in reverse, so STOPPING=1 goes out first, the web
        // server stops taking requests next, and the sender finishes its in-flight transactions last.
        let services: [any Service] =
            work + http + [reload, status]
        var groupConfig = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfig.maximumGracefulShutdownDuration = .seconds(config.delivery.shutdownTimeoutSeconds)
        groupConfig.maximumCancellationDuration = .seconds(5)
        logger.info(
            "starting",
            metadata: ["rundbrief.version": "\(RundbriefVersion.current)", "config.path": "\(config.sourcePath)"])
        try await ServiceGroup(configuration: groupConfig).run()
        logger.info("stopped")
    }

    /// The sender (scheduler + send engine) and, when configured, the bounce poller. The sender has its
    /// own transport with `smtp.concurrency` connections; on graceful shutdown it stops claiming and lets
    /// in-flight SMTP transactions finish within maximumGracefulShutdownDuration.
    /// - Throws: `ConfigurationError`, `DKIMError` or `TransportError` for unusable settings.
    func workServices(bulkTransport: CurlSMTPTransport) throws -> [any Service] {
        let sender = SendService(
            database: database, transport: bulkTransport, policy: DeliveryPolicy(configuration: config),
            makeBuilder: EditionMailer.factory(
                configuration: config, tokens: try config.tokens.signer(), dkim: try config.dkim.signers()),
            logger: logger)
        return [sender] + (try bouncePoller())
    }

    private func bouncePoller() throws -> [any Service] {
        guard !config.bounces.mailboxURL.isEmpty else { return [] }
        let bounces = config.bounces
        let client = try MailboxClient(configuration: MailboxClient.Configuration(bounces: bounces))
        // Fails here, at start, rather than at the first bounce, when the token keys are unusable.
        _ = try config.tokens.signer()
        let operations = Operations(configuration: config, database: database, actor: .daemon, logger: logger)
        return [
            BounceMailboxPoller(
                client: client,
                record: { message in _ = try operations.recordBounceMessage(message, source: "mailbox") },
                interval: .seconds(max(1, bounces.pollIntervalSeconds)),
                processedMailbox: bounces.processedMailbox.isEmpty ? nil : bounces.processedMailbox,
                logger: logger)
        ]
    }

    /// The heartbeat file, STATUS= and the gauges: read from the database, so they show the sends of
    /// every process, this daemon's and the command line's.
    private func activityReporter() -> any DaemonActivityReporting {
        OperationsMonitor(
            database: database, timeZone: TimeZone(identifier: config.delivery.timezone) ?? .current,
            logger: logger)
    }

    /// The subscriber web (sign-up, confirmation, unsubscribe, `/healthz`) on the public listener;
    /// READY=1 goes out once it listens. Confirmation mails go through `transport`.
    /// - Throws: `WebError` for missing templates, `ConfigurationError` for unusable token keys,
    ///   `TransportError` for an unusable smtp.url.
    func httpService(address: BindAddress, transport: CurlSMTPTransport) async throws -> ([any Service], WebTemplates) {
        FileLimit.raiseToHardLimit(connections: config.http.maxConnections, logger: logger)
        let web = try await WebApplication(
            configuration: config, database: database, signer: try config.tokens.signer(),
            send: { from, to, data in try await transport.deliver(from: from, to: to, data: data) }, logger: logger)
        let application = try web.makeApplication(address: address) { [notifier, logger] channel in
            let bound = channel.localAddress.map { "\($0)" } ?? "\(address)"
            logger.info("serving", metadata: ["http.address": "\(bound)"])
            notifier?.ready(status: "serving on \(bound)")
        }
        return ([application], web.templates)
    }

    /// `/metrics` on its own listener (`metrics.listen`), apart from the public pages; none when empty.
    func metricsService(registry: PrometheusCollectorRegistry) -> [any Service] {
        let metrics = config.metrics
        guard let (host, port) = metrics.address else { return [] }
        let listener = MetricsListener(bearerToken: metrics.bearerToken) { registry.emitToBuffer() }
        return [
            listener.makeApplication(address: .hostname(host, port: port), logger: logger) { [logger] channel in
                let bound = channel.localAddress.map { "\($0)" } ?? metrics.listen
                logger.info("metrics listening", metadata: ["metrics.address": "\(bound)"])
            }
        ]
    }

    /// The editors' console and the admin API on their own listener (`admin.listen`), apart from the
    /// public pages; none when empty.
    /// - Throws: `WebError` for missing console templates.
    func adminService() async throws -> [any Service] {
        let admin = config.admin
        guard let (host, port) = admin.address else { return [] }
        let application = try await AdminApplication(
            configuration: config, database: database, logger: logger, auditSink: LoggerAuditSink(logger))
        return [
            try application.makeApplication(address: .hostname(host, port: port)) { [logger] channel in
                let bound = channel.localAddress.map { "\($0)" } ?? admin.listen
                logger.info("admin listening", metadata: ["admin.address": "\(bound)"])
            }
        ]
    }

    /// The SMTP settings for transactional mail: the `[smtp]` section with one connection of its own,
    /// so a confirmation mail never waits behind a bulk send.
    func transportConfiguration() -> CurlSMTPTransport.Configuration {
        var configuration = CurlSMTPTransport.Configuration(smtp: config.smtp)
        configuration.concurrency = 1
        return configuration
    }

    /// Re-reads the configuration file, applies what can change while running, and says what it did.
    private func reloadConfiguration() throws -> String {
        let fresh = try ConfigurationLoader().load(explicitPath: configPath)
        var done: [String] = []
        let level = LogLevelSwitch.parse(fresh.log.level) ?? .info
        if level != LoggingBootstrap.level.current {
            done.append("log.level \(LoggingBootstrap.level.current) → \(level)")
            LoggingBootstrap.level.current = level
        }
        // Compared with the configuration the daemon started with: those sections are still in force.
        let needRestart = ConfigurationDifference.restartNeeded(from: config, to: fresh)
        var summary = done.isEmpty ? "nothing to change" : done.joined(separator: ", ")
        if !needRestart.isEmpty {
            summary += "; changed but only applied on restart: " + needRestart.joined(separator: ", ")
        }
        return summary
    }
}

/// Which configuration sections changed in a way the running daemon cannot take over.
enum ConfigurationDifference {
    static func restartNeeded(from old: Configuration, to new: Configuration) -> [String] {
        var changed: [String] = []
        if old.database != new.database { changed.append("database") }
        if old.http != new.http { changed.append("http") }
        if old.smtp != new.smtp { changed.append("smtp") }
        if old.sender != new.sender { changed.append("sender") }
        if old.delivery != new.delivery { changed.append("delivery") }
        if old.tokens != new.tokens { changed.append("tokens") }
        if old.dkim != new.dkim { changed.append("dkim") }
        if old.bounces != new.bounces { changed.append("bounces") }
        if old.web != new.web { changed.append("web") }
        if old.metrics != new.metrics { changed.append("metrics") }
        if old.admin != new.admin { changed.append("admin") }
        if old.templates != new.templates { changed.append("templates") }
        if old.secrets != new.secrets { changed.append("secrets") }
        return changed
    }
}
