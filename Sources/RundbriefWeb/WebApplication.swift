public import Foundation
public import Hummingbird
public import Logging
public import NIOCore
public import RundbriefCore
public import RundbriefStore

/// The subscriber web: sign-up with double opt-in, confirmation, unsubscribe (page and RFC 8058
/// one-click) and the health check, over Hummingbird.
///
/// Build it once at start, then put `makeApplication()` into the daemon's `ServiceGroup`: the
/// application is a `Service` that also runs the outbox sending confirmation mails and the queue
/// recording sign-ups. Stop it with the group's graceful shutdown (`triggerGracefulShutdown()` or
/// SIGTERM), not by cancelling.
///
/// ```swift
/// let web = try await WebApplication(
///   configuration: config, database: database, signer: try config.tokens.signer(),
///   send: { from, to, data in try await transport.deliver(from: from, to: to, data: data) }, logger: logger)
/// let group = ServiceGroup(configuration: .init(services: [try web.makeApplication(), sender], logger: logger))
/// ```
///
/// `/metrics` is not served here (see `MetricsListener`): the public listener answers it 404.
public struct WebApplication: Sendable {
    var web: SubscriberWeb
    /// The page and mail templates; `reload()` them on SIGHUP.
    public let templates: WebTemplates
    let extraRoutes: @Sendable (Router<WebRequestContext>) -> Void

    /// Loads the page and mail templates and prepares the routes.
    /// - Parameters:
    ///   - configuration: the whole configuration (`http`, `web`, `tokens`, `sender`, `templates`).
    ///   - database: the store.
    ///   - signer: signs and verifies confirmation and unsubscribe tokens (see `Configuration.TokensSection.signer()`).
    ///   - send: hands a transactional message to the mail system (the SMTP transport).
    ///   - logger: the daemon's logger.
    ///   - now: the clock for token expiry, rate-limit windows and consent times.
    ///   - extraRoutes: registers more routes on the same (public) router.
    /// - Throws: `WebError` for missing or broken templates under `templates.directory`.
    public init(
        configuration: Configuration, database: AppDatabase, signer: TokenSigner,
        send: @escaping TransactionalSend, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        extraRoutes: @escaping @Sendable (Router<WebRequestContext>) -> Void = { _ in }
    ) async throws {
        templates = try await WebTemplates(directory: configuration.templates.directory)
        web = SubscriberWeb(
            configuration: configuration, database: database, signer: signer, templates: templates,
            outbox: MailOutbox(
                send: send, capacity: Self.outboxCapacity(configuration.web),
                retry: .init(giveUpAfter: .seconds(configuration.tokens.confirmTTLHours * 3_600)), logger: logger),
            signUps: SignUpQueue(capacity: Self.signUpQueueCapacity),
            limits: SignUpLimits(configuration.web), proxies: SubscriberWeb.trustedProxies(configuration.http),
            logger: logger, now: now)
        if configuration.http.trustForwardedFor {
            logger.warning(
                "http.trust_forwarded_for is deprecated: it now trusts X-Forwarded-For from loopback only; list your proxies in http.trusted_proxies"
            )
        }
        self.extraRoutes = extraRoutes
    }

    /// The Hummingbird application, listening on `http.listen` unless `address` is given
    /// (tests pass port 0).
    /// - Parameters:
    ///   - address: where to listen instead of `http.listen`.
    ///   - onServerRunning: called once the server listens (the daemon sends READY=1 there).
    public func makeApplication(
        address: BindAddress? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let http = web.configuration.http
        let bind = address ?? .hostname(http.host, port: http.port)
        let connections = ConnectionCount(limit: http.maxConnections)
        let headerTimeout = TimeAmount.seconds(Int64(http.headerTimeoutSeconds))
        return Application(
            responder: SubscriberWebResponder(
                inner: makeRouter().buildResponder(), web: web, allowed: Self.allowedMethods),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        ConnectionGuardInstaller(count: connections, headerTimeout: headerTimeout)
                    ],
                    idleTimeout: .seconds(Int64(http.idleTimeoutSeconds)))),
            configuration: .init(address: bind, serverName: nil),
            // Shut down in reverse: the sign-ups still queued are done before the outbox stops.
            services: [web.outbox, web.signUps], onServerRunning: onServerRunning, logger: web.logger)
    }

    /// A day of the hourly confirmation budget, and room for welcome mails: with the budget in
    /// force only a relay outage of many hours fills it.
    static func outboxCapacity(_ web: Configuration.WebSection) -> Int {
        max(1_000, min(24 * web.confirmationMailsPerHour, 100_000))
    }

    /// Sign-ups waiting for their store work: a burst far beyond the per-client limits; the work
    /// takes about a millisecond each, so a full queue means the store is stuck.
    static let signUpQueueCapacity = 1_000

    /// HEAD is answered wherever GET is (as GET, without the body).
    static let allowedMethods: [String: [HTTPRequest.Method]] = [
        "/subscribe": [.get, .head, .post], "/confirm": [.get, .head, .post],
        "/unsubscribe": [.get, .head, .post], "/healthz": [.get, .head],
    ]

    private func makeRouter() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        let web = self.web
        router.get("/subscribe") { try await web.subscribeForm($0, $1) }
        router.post("/subscribe") { try await web.signUp($0, $1) }
        router.get("/confirm") { try await web.confirmLink($0, $1) }
        router.post("/confirm") { try await web.confirmButton($0, $1) }
        router.get("/unsubscribe") { try await web.unsubscribePage($0, $1) }
        router.post("/unsubscribe") { try await web.unsubscribe($0, $1) }
        router.get("/u/:token") { try await web.shortUnsubscribe($0, $1) }
        router.post("/u/:token") { try await web.shortUnsubscribe($0, $1) }
        for method in [HTTPRequest.Method.put, .delete, .patch] {
            router.on("/u/:token", method: method) { request, _ in web.shortUnsubscribeMethodNotAllowed(request) }
        }
        router.get("/healthz") { await web.health($0, $1) }
        web.addArchiveRoutes(to: router)
        extraRoutes(router)
        return router
    }
}
