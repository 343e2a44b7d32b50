import Metrics
import Prometheus
import RundbriefDaemon
import RundbriefMail

/// Sets up swift-metrics with a Prometheus registry, once per process.
enum MetricsBootstrap {
    /// Bootstraps the metrics system and creates the sender's counters at zero.
    /// - Returns: the registry `/metrics` renders.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        let help = SMTPMetrics.help.merging(MailMetrics.help) { first, _ in first }
        MetricsSystem.bootstrap(DocumentedMetricsFactory(registry: registry, help: help))
        SMTPMetrics.prepare()
        return registry
    }
}
