import Hummingbird
import Logging
import RundbriefStore

extension SubscriberWeb {
    /// `GET /healthz`: 200 with `{"database":"ok","status":"ok"}` when the database answers, else 503.
    func health(_ request: Request, _ context: WebRequestContext) async -> Response {
        do {
            try await database.ping()
            return json(["status": "ok", "database": "ok"], status: .ok)
        } catch {
            logger.error("health check: the database does not answer", metadata: ["error": "\(error)"])
            return json(["status": "error", "database": "error"], status: .serviceUnavailable)
        }
    }
}
