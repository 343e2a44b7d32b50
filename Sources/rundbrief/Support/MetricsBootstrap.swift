import Metrics
import Prometheus
import RundbriefDaemon
import RundbriefMail

/// Sets up swift-metrics with a Prometheus registry, once per process.
enum MetricsBootstrap {
    /// Bootstraps the metrics system and creates Rundbrief's series at zero.
    /// - Returns: the registry `/metrics` renders.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        MailMetrics.prepare()
        return registry
    }
}
