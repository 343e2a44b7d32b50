import Foundation
import HTTPTypes
import RundbriefApp
import RundbriefCore
import RundbriefStore

extension Console {
    /// The sends pages' own words.
    enum SendText {
        case filtered, now, noSuchSend, sent, deferred, failedCount, skipped, bouncedHard, bouncedSoft
        case unsubscribed, complained, forgotten
    }

    static func sendText(_ text: SendText, _ language: Language) -> String {
        let de = language == .de
        return switch text {
        case .filtered: de ? "gefiltert" : "filtered"
        case .now: de ? "sofort" : "now"
        case .noSuchSend: de ? "Diesen Versand gibt es nicht." : "There is no such send."
        case .sent: de ? "gesendet" : "sent"
        case .deferred: de ? "zurückgestellt (wird wiederholt)" : "deferred (will be retried)"
        case .failedCount: de ? "fehlgeschlagen" : "failed"
        case .skipped: de ? "übersprungen" : "skipped"
        case .bouncedHard: de ? "unzustellbar (dauerhaft)" : "bounced (hard)"
        case .bouncedSoft: de ? "unzustellbar (vorübergehend)" : "bounced (soft)"
        case .unsubscribed: de ? "abgemeldet" : "unsubscribed"
        case .complained: de ? "als Spam gemeldet" : "complained"
        case .forgotten: de ? "(gelöscht)" : "(forgotten)"
        }
    }

    /// A send's status reason as the daemon records it, in German where the console knows it.
    static func reasonText(_ reason: String, _ language: Language) -> String {
        guard language == .de else { return reason }
        return [
            "paused by operator": "von Hand angehalten",
            "cancelled by operator": "von Hand abgebrochen",
        ][reason] ?? reason
    }

    static func statusLabel(_ status: SendStatus, _ language: Language) -> String {
        guard language == .de else { return status.rawValue }
        return switch status {
        case .scheduled: "geplant"
        case .running: "läuft"
        case .paused: "angehalten"
        case .done: "abgeschlossen"
        case .cancelled: "abgebrochen"
        case .failed: "fehlgeschlagen"
        }
    }

    static func deliveryLabel(_ status: DeliveryStatus, _ language: Language) -> String {
        guard language == .de else { return status.rawValue }
        return switch status {
        case .queued: "wartet"
        case .sending: "wird gesendet"
        case .sent: "gesendet"
        case .deferred: "zurückgestellt"
        case .failed: "fehlgeschlagen"
        case .skipped: "übersprungen"
        }
    }

    static func filterLabel(_ filter: DeliveryFilter?, _ language: Language) -> String {
        let de = language == .de
        return switch filter {
        case nil: de ? "alle" : "all"
        case .failed: de ? "fehlgeschlagene" : "failed"
        case .deferred: de ? "zurückgestellte" : "deferred"
        case .bounced: de ? "unzustellbare" : "bounced"
        }
    }

    /// The German for the sends operations' refusals, which name editions, lists, sends and times.
    static func germanSends(_ message: String) -> String? {
        if let match = message.wholeMatch(of: /(.+) is in the past \(it is now (.+)\); give a later time, or "now"/) {
            return "Der Zeitpunkt \(match.1) liegt in der Vergangenheit (jetzt ist es \(match.2)). "
                + "Bitte wählen Sie einen späteren Zeitpunkt oder „sofort“."
        }
        if let match = message.wholeMatch(of: /invalid time (.*): expected .*/) {
            return "Die Zeitangabe „\(match.1)“ ist nicht lesbar. Bitte geben Sie Datum und Uhrzeit an."
        }
        if let match = message.wholeMatch(
            of: /edition (\S+) already has send (\d+) to list (\S+) \((.+)\); add --again to send it again/)
        {
            var state = String(match.4)
            if state.hasPrefix("sent ") { state = "gesendet am " + state.dropFirst(5) }
            if state.hasPrefix("scheduled for ") { state = "geplant für " + state.dropFirst(14) }
            if let status = SendStatus(rawValue: state) { state = statusLabel(status, .de) }
            return "Die Ausgabe \(match.1) hat schon einen Versand an dieselben Empfänger der Liste \(match.3) "
                + "(Versand \(match.2), \(state)). Soll sie trotzdem noch einmal gehen, "
                + "kreuzen Sie „Noch einmal senden“ an."
        }
        if let match = message.wholeMatch(of: /segment '(.+)' matches no active member of (\S+) now; nothing to send/) {
            return "Im Segment „\(match.1)“ ist zurzeit niemand, der die Liste \(match.2) aktiv bezieht. "
                + "Es gäbe nichts zu senden."
        }
        if message.wholeMatch(of: /the filter matches no active member of (\S+) now; nothing to send/) != nil {
            return "Der Filter trifft zurzeit auf niemanden, der die Liste aktiv bezieht. Es gäbe nichts zu senden."
        }
        if let match = message.wholeMatch(of: /segment '(.+)' belongs to the list (.+), not to (.+)/) {
            return "Das Segment „\(match.1)“ gehört zur Liste \(match.2), nicht zur Liste \(match.3)."
        }
        if let match = message.wholeMatch(of: /no edition (\S+)/) {
            return "Die Ausgabe „\(match.1)“ gibt es nicht."
        }
        if let match = message.wholeMatch(of: /no list '([^']*)' .*/) {
            return "Die Liste „\(match.1)“ gibt es nicht."
        }
        if let match = message.wholeMatch(of: /no segment '([^']*)' .*/) {
            return "Das Segment „\(match.1)“ gibt es nicht."
        }
        if let match = message.wholeMatch(of: /no send with id (\d+)/) {
            return "Den Versand \(match.1) gibt es nicht."
        }
        if let match = message.wholeMatch(of: /send (\d+) is (\w+); cannot make it (\w+)/) {
            let now = SendStatus(rawValue: String(match.2)).map { statusLabel($0, .de) } ?? String(match.2)
            return "Versand \(match.1) ist \(now); das geht in diesem Zustand nicht."
        }
        if let match = message.wholeMatch(of: /send (\d+) is (\w+), not paused( or failed)?/) {
            let now = SendStatus(rawValue: String(match.2)).map { statusLabel($0, .de) } ?? String(match.2)
            return "Versand \(match.1) ist \(now), nicht angehalten; er kann nicht fortgesetzt werden."
        }
        if let match = message.wholeMatch(
            of: /send (\d+) is (\w+); only a scheduled or paused send can be rescheduled/)
        {
            let now = SendStatus(rawValue: String(match.2)).map { statusLabel($0, .de) } ?? String(match.2)
            return "Versand \(match.1) ist \(now); nur ein geplanter oder angehaltener Versand lässt sich verschieben."
        }
        if let match = message.wholeMatch(
            of:
                /edition (\S+) went to list (\S+) in send (\d+) \((\w+)\) since send (\d+) was paused; add --again to resume it anyway/
        ) {
            return "Die Ausgabe \(match.1) ging inzwischen mit Versand \(match.3) an die Liste \(match.2). "
                + "Soll Versand \(match.5) trotzdem weitergehen, kreuzen Sie „Noch einmal senden“ an."
        }
        if let match = message.wholeMatch(of: /edition (\S+) cannot be sent: (.*)/) {
            return "Die Ausgabe \(match.1) lässt sich nicht versenden: \(match.2)"
        }
        return nil
    }
}
