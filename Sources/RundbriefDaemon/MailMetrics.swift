import Metrics
import RundbriefCore
public import RundbriefStore

/// The gauges `/metrics` shows, refreshed from the database: subscribers, sends, bounces, deliveries,
/// queue depth and send rate. (The sender's counters are `SMTPMetrics`, in the mail module.)
public enum MailMetrics {
    /// The `# HELP` text of each gauge family, by name.
    public static let help = [
        "rundbrief_subscribers": "Subscribers by status.",
        "rundbrief_sends": "Sends by status (running, paused, scheduled).",
        "rundbrief_bounces": "Bounces recorded, by kind (unverified: reports that did not act).",
        "rundbrief_current_deliveries": "Deliveries of current sends by status.",
        "rundbrief_queue_depth": "Deliveries still to do.",
        "rundbrief_send_rate_messages_per_second": "Current send rate in messages per second.",
    ]

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
