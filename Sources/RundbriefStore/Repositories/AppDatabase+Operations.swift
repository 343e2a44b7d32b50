public import Foundation
import GRDB

/// What the operator sees at a glance: the counts `rundbrief status` prints and the metrics gauges show.
///
/// Nothing here names a subscriber: counts, send and edition identifiers, SMTP codes.
public struct OperationsSnapshot: Sendable, Codable, Equatable {
    /// Subscribers by overall status (`active`, `pending`, …); statuses without subscribers are absent.
    public var subscribersByStatus: [String: Int]
    /// Sends that are running, paused or scheduled, soonest first, then those that failed in the last week.
    public var sends: [SendOverview]
    /// Deliveries of running or paused sends still to do (queued, deferred or in flight).
    public var queueDepth: Int
    /// Bounces recorded since `bouncesSince`, by kind (`hard`, `soft`, `complaint`, `sender-blocked`).
    public var bouncesByKind: [String: Int]
    public var bouncesSince: Date
    /// Every bounce ever recorded, by kind (for the metrics gauge, which only ever grows).
    public var bouncesTotalByKind: [String: Int]
    /// The latest refused or deferred deliveries of current sends, newest first.
    public var recentErrors: [DeliveryErrorSummary]
}

/// One send's place in its life and its delivery counts.
public struct SendOverview: Sendable, Codable, Equatable {
    public var id: Int64
    public var status: String
    public var editionSlug: String
    public var subject: String
    public var listSlug: String
    public var scheduledAt: Date
    public var startedAt: Date?
    /// Why the send is paused or failed (and what to do about it).
    public var reason: String?
    /// Deliveries by status (`queued`, `sending`, `sent`, `deferred`, `failed`, `skipped`).
    public var deliveries: [String: Int]

    /// Every frozen recipient of the send.
    public var total: Int { deliveries.values.reduce(0, +) }
    /// Recipients that need no further attempt.
    public var done: Int {
        ["sent", "failed", "skipped"].reduce(0) { $0 + (deliveries[$1] ?? 0) }
    }
}

/// A delivery that was refused or deferred, without its recipient.
public struct DeliveryErrorSummary: Sendable, Codable, Equatable {
    public var sendID: Int64
    public var status: String
    public var code: Int?
    public var enhancedStatus: String?
    /// The server's reply as recorded; it may name the recipient, so callers mask addresses before showing it.
    public var reply: String?
    public var at: Date
}

/// The result of `rundbrief db check`.
public struct DatabaseCheckReport: Sendable, Codable, Equatable {
    /// `PRAGMA integrity_check` lines; `["ok"]` for a sound file.
    public var integrity: [String]
    /// Rows whose foreign key points nowhere, as "table rowid → parent".
    public var foreignKeyViolations: [String]
    public var appliedMigrations: [String]
    /// Migrations this build knows and the file lacks (the daemon applies them at start).
    public var pendingMigrations: [String]
    /// Migrations in the file that this build does not know: the file comes from a newer version.
    public var unknownMigrations: [String]

    public var isHealthy: Bool {
        integrity == ["ok"] && foreignKeyViolations.isEmpty && unknownMigrations.isEmpty
    }
}

extension AppDatabase {
    /// Counts for the status screen and the metrics gauges, read in one snapshot.
    /// - Parameters:
    ///   - now: the reference time for "this week" and "recent".
    ///   - errorLimit: how many recent delivery errors to include.
    public func operationsSnapshot(now: Date = Date(), errorLimit: Int = 5) async throws
        -> OperationsSnapshot
    {
        try await read { db in try Self.snapshot(db, now: now, errorLimit: errorLimit) }
    }

    /// Sends by status.
    public func sendCounts() async throws -> [String: Int] {
        try await read { db in
            try Self.counts(db, sql: "SELECT status, COUNT(*) FROM sends GROUP BY status")
        }
    }

    static func snapshot(_ db: Database, now: Date, errorLimit: Int) throws -> OperationsSnapshot {
        let weekAgo = now.addingTimeInterval(-7 * 86_400)
        // The queue is summed from the per-send counts: a second pass over a million deliveries
        // would double the cost of every status refresh.
        let sends = try currentSends(db, failedSince: weekAgo)
        return OperationsSnapshot(
            subscribersByStatus: try counts(
                db, sql: "SELECT status, COUNT(*) FROM subscribers GROUP BY status"),
            sends: sends,
            queueDepth: sends.filter { $0.status == "running" || $0.status == "paused" }.reduce(0) { total, send in
                total + ["queued", "deferred", "sending"].reduce(0) { $0 + (send.deliveries[$1] ?? 0) }
            },
            bouncesByKind: try counts(
                db, sql: "\(bounceKind), COUNT(*) FROM bounces WHERE created_at >= ? GROUP BY 1",
                arguments: [weekAgo]),
            bouncesSince: weekAgo,
            bouncesTotalByKind: try counts(db, sql: "\(bounceKind), COUNT(*) FROM bounces GROUP BY 1"),
            recentErrors: try recentErrors(db, since: now.addingTimeInterval(-86_400), limit: errorLimit))
    }

    /// Bounces by kind; unverified reports (which did not act) are counted apart as "unverified".
    private static let bounceKind = "SELECT CASE WHEN verified THEN kind ELSE 'unverified' END"

    static func counts(_ db: Database, sql: String, arguments: StatementArguments = [])
        throws -> [String: Int]
    {
        var result: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
            result[row[0]] = row[1]
        }
        return result
    }

    static func currentSends(_ db: Database, failedSince: Date) throws -> [SendOverview] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT s.id, s.status, s.scheduled_at, s.started_at, e.slug, e.subject, l.slug, s.status_reason
                FROM sends s JOIN editions e ON e.id = s.edition_id JOIN lists l ON l.id = s.list_id
                WHERE s.status IN ('running', 'paused', 'scheduled')
                   OR (s.status = 'failed' AND s.finished_at >= ?)
                ORDER BY s.status = 'failed', s.status = 'scheduled', s.scheduled_at LIMIT 20
                """, arguments: [failedSince])
        return try rows.map { row in
            let id: Int64 = row[0]
            return SendOverview(
                id: id, status: row[1], editionSlug: row[4], subject: row[5], listSlug: row[6],
                scheduledAt: row[2], startedAt: row[3], reason: row[7],
                deliveries: try counts(
                    db, sql: "SELECT status, COUNT(*) FROM deliveries WHERE send_id = ? GROUP BY status",
                    arguments: [id]))
        }
    }

    /// Errors of running or paused sends and of sends finished since `since`: the index on
    /// (send_id, status) keeps this cheap however many old deliveries there are.
    static func recentErrors(_ db: Database, since: Date, limit: Int) throws -> [DeliveryErrorSummary] {
        guard limit > 0 else { return [] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT d.send_id, d.status, d.last_code, d.last_status, d.last_reply, d.updated_at
                FROM deliveries d
                WHERE d.send_id IN (
                        SELECT id FROM sends
                        WHERE status IN ('running', 'paused') OR finished_at >= ?)
                  AND d.status IN ('failed', 'deferred') AND d.last_code IS NOT NULL
                ORDER BY d.updated_at DESC LIMIT ?
                """, arguments: [since, limit])
        return rows.map { row in
            DeliveryErrorSummary(
                sendID: row[0], status: row[1], code: row[2], enhancedStatus: row[3], reply: row[4],
                at: row[5])
        }
    }
}
