import Foundation
public import Logging
import RundbriefStore

/// Where an adapter wants audit lines to go besides the database: the CLI writes them to the system
/// log (the journal), the daemon through its logger. One `notice` line per action.
public protocol AuditSink: Sendable {
    func notice(_ line: String)
}

/// An audit sink writing through a swift-log logger at `notice` level.
public struct LoggerAuditSink: AuditSink {
    let logger: Logger
    public init(_ logger: Logger) { self.logger = logger }
    public func notice(_ line: String) { logger.notice("\(line)") }
}

/// Records what an operation did: one `events` row naming the actor, and one notice line.
struct AuditTrail: Sendable {
    let database: AppDatabase
    let actor: Actor
    let sink: (any AuditSink)?

    /// - Parameters:
    ///   - kind: dotted, e.g. `send.scheduled`.
    ///   - fields: key/value details (ids, slugs, times; never an address in the clear, never a secret).
    func record(
        _ kind: String, fields: KeyValuePairs<String, String> = [:], subscriberID: Int64? = nil, listID: Int64? = nil,
        at date: Date
    ) {
        var detail = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        if let name = actor.name { detail["actor"] = name }
        // The change itself is committed; an audit row that cannot be written must not undo it or
        // report it as failed, so the failure goes to the log instead.
        do {
            try database.recordEvent(
                Event(
                    subscriberID: subscriberID, listID: listID, kind: kind, source: actor.source, detail: detail,
                    createdAt: date))
        } catch {
            sink?.notice("\(kind) audit-event-not-written error=\(error)")
        }
        announce(kind, fields: fields)
    }

    /// Writes only the notice line, for a change whose `events` row the store wrote in the same
    /// transaction as the change itself (a subscriber's history: subscribed, unsubscribed, forgotten);
    /// `eventDetail` puts the actor's name in that row.
    func announce(_ kind: String, fields: KeyValuePairs<String, String> = [:]) {
        let pairs = fields.map { "\($0.key)=\(Self.quoted($0.value))" }.joined(separator: " ")
        sink?.notice(
            "\(kind) \(pairs) source=\(actor.source)" + (actor.name.map { " user=\(Self.quoted($0))" } ?? ""))
    }

    /// A value as one field of the line: bare when it is plain, else in double quotes with `"`, `\` and
    /// control characters escaped, so a file name like `a.csv user=boss` cannot forge a field.
    static func quoted(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "\\" && $0.value != 0x7f }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The detail a store-written event carries to name the actor (never a secret).
    var eventDetail: [String: String] { actor.name.map { ["actor": $0] } ?? [:] }
}
