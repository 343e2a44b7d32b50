public import Foundation
public import Hummingbird
public import Logging
public import NIOCore
import RundbriefAPI
public import RundbriefApp
public import RundbriefCore
public import RundbriefStore

/// The admin listener (`admin.listen`): the editors' console at `/` and the admin API under `/api/v1`.
/// Apart from the public listener, which serves neither.
///
/// Put `makeApplication()` into the daemon's `ServiceGroup` beside the public web application.
public struct AdminApplication: Sendable {
    let console: Console
    let api: AdminAPI

    /// Loads the console's templates (`templates.directory`/admin).
    /// - Parameters:
    ///   - auditSink: where audit lines go besides the database (the daemon's log).
    ///   - hasher: bcrypt with its cost (tests lower it).
    ///   - throttle: the failed sign-ins counted so far.
    ///   - now: the clock sessions and throttling use.
    /// - Throws: `WebError` for missing or broken templates.
    public init(
        configuration: Configuration, database: AppDatabase, logger: Logger, auditSink: (any AuditSink)? = nil,
        hasher: PasswordHasher = PasswordHasher(), throttle: SignInThrottle = SignInThrottle(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        let makeOperations: @Sendable (Actor, Role) -> RundbriefApp.Operations = { actor, role in
            RundbriefApp.Operations(
                configuration: configuration, database: database, actor: actor, role: role, logger: logger,
                auditSink: auditSink, now: now)
        }
        console = Console(
            configuration: configuration,
            renderer: try await ConsoleRenderer(directory: configuration.templates.directory + "/admin"),
            makeOperations: makeOperations, throttle: throttle, hasher: hasher,
            proxies: SubscriberWeb.trustedProxies(configuration.http), logger: logger)
        api = AdminAPI(makeOperations: makeOperations, logger: logger)
    }

    /// The Hummingbird application listening on `address` (`admin.listen`; tests pass port 0).
    public func makeApplication(
        address: BindAddress, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        Application(
            router: try makeRouter(), configuration: .init(address: address, serverName: nil),
            onServerRunning: onServerRunning, logger: console.logger)
    }

    func makeRouter() throws -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        let console = self.console
        router.get("/") { try await console.home($0, $1) }
        router.post("/sign-in") { try await console.signIn($0, $1) }
        router.post("/sign-out") { try await console.signOut($0, $1) }
        router.get("/password") { try await console.passwordPage($0, $1) }
        router.post("/password") { try await console.changePassword($0, $1) }
        router.get("/assets/:name") { _, context in console.script(context.parameters.get("name") ?? "") }
        console.registerListRoutes(on: router)
        console.registerUserRoutes(on: router)
        console.registerSecondFactorRoutes(on: router)
        console.registerEditionsRoutes(on: router)
        console.registerSendsRoutes(on: router)
        console.registerPeopleRoutes(on: router)
        try api.register(on: router)
        return router
    }
}
