import Foundation
public import Hummingbird
public import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
public import RundbriefApp
public import RundbriefStore

/// The admin API under `/api/v1`: the routes and types generated from `openapi.yaml` (the contract),
/// authenticated by API keys, answering errors as RFC 9457 problems. Mount it on the admin listener's
/// router only.
public struct AdminAPI: Sendable {
    /// The path every route of the API starts with (the document's `servers[0].url`).
    public static let prefix = "/api/v1"

    let makeOperations: @Sendable (Actor, Role) -> RundbriefApp.Operations
    let maxBodyBytes: Int
    let logger: Logger

    /// - Parameters:
    ///   - makeOperations: the application layer acting for an actor with a role.
    ///   - maxBodyBytes: larger request bodies are refused with 413.
    public init(
        makeOperations: @escaping @Sendable (Actor, Role) -> RundbriefApp.Operations, maxBodyBytes: Int = 1 << 20,
        logger: Logger
    ) {
        self.makeOperations = makeOperations
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Registers the generated routes and `GET /api/v1/openapi.yaml` on `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) throws {
        let handler = AdminAPIHandler(makeOperations: makeOperations)
        let guardian = APIGuard(
            authenticate: { [makeOperations] key in
                try await offPool { try makeOperations(.daemon, .editor).authenticate(apiKey: key) }
            }, maxBodyBytes: maxBodyBytes, maxBodyBytesByOperation: ["importSubscribers": Self.importMaxBodyBytes],
            logger: logger)
        try handler.registerHandlers(on: router, serverURL: URL(string: Self.prefix)!, middlewares: [guardian])
        registerMethodNotAllowed(on: router)
        let document = Self.document
        router.get("\(Self.prefix)/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    /// The largest CSV body `POST /subscribers/import` takes (the document says so).
    public static let importMaxBodyBytes = 10 << 20

    /// The OpenAPI document the routes were generated from, embedded in the binary at build time.
    public static var document: [UInt8] { PackageResources.openapi_yaml }
}
