import Foundation
import Hummingbird
import Prometheus
import RundbriefStore

/// The operations endpoints: `GET /metrics` (Prometheus text format) and `GET /healthz`.
///
/// `serve` hands `registerMetrics` to `WebApplication(extraRoutes:)`; `registerHealth` is for a
/// daemon without the subscriber web (which has its own `/healthz`).
enum MetricsRoutes {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `GET /metrics`: the registry in Prometheus text format.
    static func registerMetrics<Context: RequestContext>(
        on router: Router<Context>, registry: PrometheusCollectorRegistry
    ) {
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }

    /// `GET /healthz`: 200 with `{"database":"ok"}` while the database answers, 503 otherwise.
    static func registerHealth<Context: RequestContext>(on router: Router<Context>, database: AppDatabase) {
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
