import Foundation
import Hummingbird
import Prometheus
import RundbriefStore

/// The operations endpoints: `GET /metrics` (Prometheus text format) and `GET /healthz`.
///
/// The web application's router builder takes `register` as an extra route registration; until it
/// is part of the build, `serve` runs a router with only these routes.
enum MetricsRoutes {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register<Context: RequestContext>(
        on router: Router<Context>, registry: PrometheusCollectorRegistry, database: AppDatabase
    ) {
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/healthz") { _, _ -> Response in
            let healthy = (try? await database.sendCounts()) != nil
            let body =
                #"{"database":"\#(healthy ? "ok" : "unavailable")","status":"\#(healthy ? "ok" : "degraded")"}"#
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
        }
    }
}
