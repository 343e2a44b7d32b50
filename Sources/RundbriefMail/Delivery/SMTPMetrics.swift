import Metrics
import RundbriefStore

/// The sender's counters, through swift-metrics: how each message of a send ended
/// (`rundbrief_messages_total{outcome}`) and the class of the relay's last reply in every SMTP
/// transaction (`rundbrief_smtp_replies_total{class}`).
///
/// The handles are made once, when a runner or a connection starts, from the metrics system
/// bootstrapped by then (`rundbrief serve` bootstraps it first; elsewhere they count into nothing):
/// a message costs one atomic increment, no lookup.
public enum SMTPMetrics {
    /// How the transaction for one message of a send ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// The relay accepted it.
        case sent
        /// It goes back to the queue for a later attempt (a 4xx, a connection failure).
        case deferred
        /// Given up: refused for good, or still refused at the maximum age.
        case failed
    }

    /// The class of a transaction's last reply; `none` when the relay gave none (connection failure).
    public static let replyClasses = ["2xx", "4xx", "5xx", "none"]

    static let messagesLabel = "rundbrief_messages_total"
    static let repliesLabel = "rundbrief_smtp_replies_total"

    /// The `# HELP` text of each family, by name.
    public static let help = [
        messagesLabel: "Messages of sends by the outcome of their SMTP transaction (sent, deferred, failed).",
        repliesLabel:
            "SMTP transactions by the class of the relay's last reply (none: no reply, the connection failed).",
    ]

    /// Creates every series at zero, so dashboards and alerts see them before the first message.
    public static func prepare() {
        _ = MessageCounters()
        _ = ReplyCounters()
    }

    static func replyClass(_ reply: SMTPReply?) -> String {
        guard let code = reply?.code, (200..<600).contains(code) else { return "none" }
        return "\(code / 100)xx"
    }

    /// `rundbrief_messages_total`, one handle per outcome.
    struct MessageCounters: Sendable {
        private let sent: Counter
        private let deferred: Counter
        private let failed: Counter

        init() {
            func counter(_ outcome: Outcome) -> Counter {
                Counter(label: SMTPMetrics.messagesLabel, dimensions: [("outcome", outcome.rawValue)])
            }
            sent = counter(.sent)
            deferred = counter(.deferred)
            failed = counter(.failed)
        }

        /// Counts a delivery's result; one that never reached a transaction is not counted.
        func record(_ kind: Delivery.Result.Kind) {
            switch kind {
            case .sent: sent.increment()
            case .deferred, .returned: deferred.increment()
            case .failed, .bounced: failed.increment()
            }
        }
    }

    /// `rundbrief_smtp_replies_total`, one handle per reply class.
    struct ReplyCounters: Sendable {
        private let counters: [String: Counter]

        init() {
            var counters: [String: Counter] = [:]
            for replyClass in SMTPMetrics.replyClasses {
                counters[replyClass] = Counter(
                    label: SMTPMetrics.repliesLabel, dimensions: [("class", replyClass)])
            }
            self.counters = counters
        }

        /// Counts the last reply of one transaction.
        func record(_ reply: SMTPReply?) {
            counters[SMTPMetrics.replyClass(reply)]?.increment()
        }
    }
}
