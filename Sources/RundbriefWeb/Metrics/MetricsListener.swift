import Foundation
public import Hummingbird
public import Logging
public import NIOCore
import RundbriefCore

/// The operations listener: `GET /metrics` in Prometheus text format on an address of its own
/// (`metrics.listen`, loopback by default), never on the public pages' listener.
///
/// The gauges reveal list sizes, and a gauge moving after a sign-up would tell whether an address
/// was new: so they stay off the public listener, and can also want a bearer token
/// (`metrics.bearer_token` or the credential `metrics-token`), compared in constant time.
public struct MetricsListener: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let bearerToken: String
    let render: @Sendable () -> [UInt8]

    /// - Parameters:
    ///   - bearerToken: the token `Authorization: Bearer` must carry; empty = none needed.
    ///   - render: the metrics in Prometheus text format.
    public init(bearerToken: String, render: @escaping @Sendable () -> [UInt8]) {
        self.bearerToken = bearerToken
        self.render = render
    }

    /// The Hummingbird application listening on `address` (tests pass port 0).
    public func makeApplication(
        address: BindAddress, logger: Logger? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        let listener = self
        router.get("/metrics") { request, _ in listener.respond(request) }
        return Application(
            router: router, configuration: .init(address: address, serverName: nil),
            onServerRunning: onServerRunning, logger: logger)
    }

    func respond(_ request: Request) -> Response {
        guard authorized(request.headers[.authorization]) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Bearer realm=\"rundbrief metrics\"", .contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "bearer token required\n")))
        }
        return Response(
            status: .ok, headers: [.contentType: Self.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: render())))
    }

    func authorized(_ header: String?) -> Bool {
        guard !bearerToken.isEmpty else { return true }
        guard let header, header.lowercased().hasPrefix("bearer ") else { return false }
        let given = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        return TokenSigner.constantTimeEqual(given, Array(bearerToken.utf8))
    }
}
