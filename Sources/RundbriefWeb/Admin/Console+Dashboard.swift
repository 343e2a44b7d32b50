import Foundation
import Hummingbird
import RundbriefApp
import RundbriefCore
import RundbriefStore

extension Console {
    /// The dashboard: what `rundbrief status` shows, from the same operation.
    func dashboard(_ signedIn: SignedInRequest, language: Language) async throws -> Response {
        let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
        let overview = try await blocking { try operations.statusOverview() }
        let zone = configuration.delivery.timezone
        let snapshot = overview.snapshot
        let running = snapshot.sends.filter { $0.status == "running" }
        let scheduled = snapshot.sends.filter { $0.status == "scheduled" }
        let bounces = snapshot.bouncesByKind.sorted { $0.key < $1.key }
        let values: [String: Any] = [
            "timeZone": zone,
            "queueDepth": snapshot.queueDepth,
            "subscribers": snapshot.subscribersByStatus.sorted { $0.key < $1.key }.map {
                ["count": $0.value, "label": Self.subscriberLabel($0.key, language)]
            },
            "has_running": !running.isEmpty,
            "scripts": running.isEmpty ? [] : ["progress.js"],
            "running": running.map {
                ["id": $0.id, "subject": $0.subject, "list": $0.listSlug, "done": $0.done, "total": $0.total]
            },
            "has_scheduled": !scheduled.isEmpty,
            "scheduled": scheduled.map {
                [
                    "id": $0.id, "subject": $0.subject, "list": $0.listSlug,
                    "at": SendTime.format($0.scheduledAt, timeZone: zone),
                ]
            },
            "has_attention": !overview.needingAttention.isEmpty,
            "attention": overview.needingAttention.map {
                [
                    "id": $0.send.id ?? 0, "failed": $0.send.status == .failed, "edition": $0.edition, "list": $0.list,
                    "reason": $0.send.statusReason ?? "",
                ] as [String: Any]
            },
            "has_bounces": !bounces.isEmpty,
            "bounces": bounces.map { ["count": $0.value, "label": Self.bounceLabel($0.key, language)] },
            "has_errors": !snapshot.recentErrors.isEmpty,
            "errors": snapshot.recentErrors.map {
                [
                    "at": SendTime.format($0.at, timeZone: zone), "send": $0.sendID, "status": $0.status,
                    "code": [$0.code.map(String.init), $0.enhancedStatus].compactMap { $0 }.joined(separator: " "),
                    "reply": String(($0.reply ?? "").prefix(200)),
                ] as [String: Any]
            },
        ]
        return page(.dashboard, language: language, signedIn: signedIn, values: values)
    }

    static func subscriberLabel(_ status: String, _ language: Language) -> String {
        guard language == .de else { return status }
        return [
            "active": "aktiv", "pending": "unbestätigt", "unsubscribed": "abgemeldet", "bounced": "unzustellbar",
            "complained": "beschwert",
        ][status] ?? status
    }

    static func bounceLabel(_ kind: String, _ language: Language) -> String {
        guard language == .de else { return kind }
        return [
            "hard": "dauerhaft", "soft": "vorübergehend", "complaint": "Beschwerden",
            "sender-blocked": "Absender blockiert", "unverified": "nicht geprüft",
        ][kind] ?? kind
    }
}
