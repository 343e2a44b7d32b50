import Metrics
import RundbriefCore
public import RundbriefStore

/// The metric names Rundbrief exports, in one place so the sender, the bounce handling and `/metrics`
/// agree. Counters count events of this process; gauges are refreshed from the database.
public enum MailMetrics {
    /// How an SMTP transaction for one message ended.
    public enum Outcome: String, Sendable, CaseIterable {
        case sent, deferred, failed
    }

    /// Counts one message's outcome (`rundbrief_messages_total{outcome}`).
    public static func recordMessage(_ outcome: Outcome) {
        Counter(label: "rundbrief_messages_total", dimensions: [("outcome", outcome.rawValue)])
            .increment()
    }

    /// Counts one SMTP reply by class (`rundbrief_smtp_replies_total{class="2xx"}`);
    /// code 0 stands for "no reply" (connection failure).
    public static func recordSMTPReply(code: Int) {
        Counter(label: "rundbrief_smtp_replies_total", dimensions: [("class", replyClass(code))])
            .increment()
    }

    static func replyClass(_ code: Int) -> String {
        (200..<600).contains(code) ? "\(code / 100)xx" : "none"
    }

    /// Creates every series at zero, so dashboards and alerts see them before the first event.
    public static func prepare() {
        for outcome in Outcome.allCases {
            _ = Counter(label: "rundbrief_messages_total", dimensions: [("outcome", outcome.rawValue)])
        }
        for replyClass in ["2xx", "4xx", "5xx", "none"] {
            _ = Counter(label: "rundbrief_smtp_replies_total", dimensions: [("class", replyClass)])
        }
    }

    /// Sets the gauges that mirror the database.
    public static func update(from snapshot: OperationsSnapshot, activity: DaemonActivity) {
        for status in SubscriberStatus.allCases {
            gauge("rundbrief_subscribers", ("status", status.rawValue))
                .record(Double(snapshot.subscribersByStatus[status.rawValue] ?? 0))
        }
        for status in ["running", "paused", "scheduled"] {
            gauge("rundbrief_sends", ("status", status))
                .record(Double(snapshot.sends.count { $0.status == status }))
        }
        for kind in ["hard", "soft", "complaint", "sender-blocked", "unverified"] {
            gauge("rundbrief_bounces", ("kind", kind))
                .record(Double(snapshot.bouncesTotalByKind[kind] ?? 0))
        }
        for status in DeliveryStatus.allCases {
            // A failed send (listed for the status screen) has no current deliveries.
            let count = snapshot.sends.filter { $0.status != "failed" }.reduce(0) {
                $0 + ($1.deliveries[status.rawValue] ?? 0)
            }
            gauge("rundbrief_current_deliveries", ("status", status.rawValue)).record(Double(count))
        }
        Gauge(label: "rundbrief_queue_depth").record(Double(snapshot.queueDepth))
        Gauge(label: "rundbrief_send_rate_messages_per_second").record(activity.rate)
    }

    private static func gauge(_ label: String, _ dimension: (String, String)) -> Gauge {
        Gauge(label: label, dimensions: [dimension])
    }
}
