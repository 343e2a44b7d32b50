import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefStore

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Schedule sends of editions to lists and follow them.",
        discussion: """
            A send freezes its audience (the list's active subscribers, narrowed by --segment or --where)
            when it starts; `rundbrief serve`
            starts due sends and delivers them. These commands work on the same database while it runs.
            """,
        subcommands: [
            Schedule.self, Reschedule.self, List.self, Status.self, Report.self, Deliveries.self, Pause.self,
            Resume.self, Cancel.self, RetryFailed.self,
        ])

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Schedule an edition to go to a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug (see `rundbrief edition list`).") var edition: String
        @Option(help: "The list's slug.") var list: String
        @Option(
            help: "When: \"YYYY-MM-DD HH:MM\" in delivery.timezone, or \"now\".")
        var at: String
        @Option(help: "Send only to the list's members in this segment (see `rundbrief segments`).")
        var segment: String?
        @Option(name: .customLong("where"), help: "Send only to the list's members matching this filter.")
        var filter: String?
        @Flag(help: "Print the audience size and change nothing.") var dryRun = false
        @Flag(help: "Send it even though the edition already went (or is going) to this audience.") var again = false
        @Flag(help: "Print the send as JSON.") var json = false

        func run() throws {
            try reporting {
                let operations = try global.operations()
                let audience = try SendAudience(segment: segment, where: filter)
                if dryRun {
                    let preview = try operations.previewSend(edition: edition, list: list, at: at, audience: audience)
                    if json {
                        try Output.json(AudiencePreviewJSON(preview))
                        return
                    }
                    for warning in preview.warnings { Output.note("warning: \(warning)") }
                    if let refusal = preview.alreadySent { Output.note("note: \(refusal.message)") }
                    Output.line(
                        "dry run: \(edition) to \(list) would reach \(preview.count) active member\(preview.count == 1 ? "" : "s") now; nothing scheduled"
                    )
                    return
                }
                let report = try operations.scheduleSend(
                    edition: edition, list: list, at: at, audience: audience, again: again)
                if json {
                    try Output.json(SendJSON(report, now: operations.now))
                } else {
                    let shown = SendTime.format(
                        report.send.scheduledAt, timeZone: operations.configuration.delivery.timezone)
                    let part =
                        report.segment.map { " (segment \($0))" } ?? (report.segmentWhere != nil ? " (filtered)" : "")
                    Output.line("scheduled send \(report.send.id!): \(edition) to \(list)\(part) at \(shown)")
                }
            }
        }
    }

    struct Reschedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a scheduled or paused send to another time.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64
        @Option(help: "When: \"YYYY-MM-DD HH:MM\" in delivery.timezone, or \"now\".") var at: String

        func run() throws {
            try reporting {
                let operations = try global.operations()
                let send = try operations.rescheduleSend(id: id, at: at)
                let shown = SendTime.format(send.scheduledAt, timeZone: operations.configuration.delivery.timezone)
                Output.line("rescheduled send \(id) to \(shown)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every send, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of send objects.") var json = false

        func run() throws {
            try reporting {
                let operations = try global.operations()
                let reports = try operations.sends()
                let now = operations.now
                if json {
                    try Output.json(reports.map { SendJSON($0, now: now) })
                    return
                }
                let zone = operations.configuration.delivery.timezone
                Output.table(
                    ["ID", "STATUS", "SCHEDULED", "SENT", "TOTAL", "FAILED", "EDITION", "LIST"],
                    reports.map {
                        [
                            "\($0.send.id ?? 0)", $0.send.status.rawValue,
                            SendTime.format($0.send.scheduledAt, timeZone: zone),
                            "\($0.counts.sent)", "\($0.counts.total)", "\($0.counts.failed)", $0.edition, $0.list,
                        ]
                    })
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one send's state and counts.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64
        @Flag(help: "Print the send as JSON.") var json = false

        func run() throws {
            try reporting {
                let operations = try global.operations()
                let report = try operations.send(id: id)
                let value = SendJSON(report, now: operations.now)
                if json {
                    try Output.json(value)
                    return
                }
                let zone = operations.configuration.delivery.timezone
                Output.line("send \(id): \(report.edition) to \(report.list), \(report.send.status.rawValue)")
                if let reason = report.send.statusReason { Output.line("  reason:    \(reason)") }
                if let filter = report.segmentWhere {
                    Output.line("  audience:  " + (report.segment.map { "segment \($0): " } ?? "") + filter)
                }
                Output.line("  scheduled: \(SendTime.format(report.send.scheduledAt, timeZone: zone))")
                if let started = report.send.startedAt {
                    Output.line("  started:   \(SendTime.format(started, timeZone: zone))")
                }
                if let finished = report.send.finishedAt {
                    Output.line("  finished:  \(SendTime.format(finished, timeZone: zone))")
                }
                let counts = report.counts
                Output.line(
                    "  \(counts.sent)/\(counts.total) sent, \(counts.queued) queued, \(counts.sending) sending, "
                        + "\(counts.deferred) deferred, \(counts.failed) failed, \(counts.skipped) skipped, "
                        + String(format: "%.1f msg/s", value.rate))
            }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause a send; the daemon finishes the messages in flight and stops.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64

        func run() throws {
            try reporting {
                try global.operations().pauseSend(id: id)
                Output.line("paused send \(id)")
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Resume a paused send (also one held back because it was overdue), or one that failed before its first message."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64
        @Flag(help: "Resume it even though the edition went to the same list in another send since.") var again = false

        func run() throws {
            try reporting {
                let send = try global.operations().resumeSend(id: id, again: again)
                Output.line("resumed send \(id) (\(send.status.rawValue))")
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a send; messages not yet sent are not sent.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64

        func run() throws {
            try reporting {
                try global.operations().cancelSend(id: id)
                Output.line("cancelled send \(id)")
            }
        }
    }

    struct RetryFailed: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry-failed", abstract: "Queue the failed deliveries of a finished send again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64

        func run() throws {
            try reporting {
                let count = try global.operations().retryFailedDeliveries(sendID: id)
                Output.line(
                    count == 0 ? "send \(id) has no failed deliveries" : "re-queued \(count) deliveries of send \(id)")
            }
        }
    }
}

/// A send as `send status --json` and `send list --json` print it.
struct SendJSON: Encodable {
    var id: Int64
    var status: String
    var reason: String?
    var edition: String
    var list: String
    var scheduledAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var queued: Int
    var sending: Int
    var sent: Int
    var deferred: Int
    var failed: Int
    var skipped: Int
    var total: Int
    var rate: Double
    /// The segment's slug and the filter the audience is frozen with (absent for the whole list).
    var segment: String?
    var `where`: String?

    init(_ report: SendReport, now: Date) {
        id = report.send.id ?? 0
        status = report.send.status.rawValue
        reason = report.send.statusReason
        edition = report.edition
        list = report.list
        scheduledAt = report.send.scheduledAt
        startedAt = report.send.startedAt
        finishedAt = report.send.finishedAt
        queued = report.counts.queued
        sending = report.counts.sending
        sent = report.counts.sent
        deferred = report.counts.deferred
        failed = report.counts.failed
        skipped = report.counts.skipped
        total = report.counts.total
        rate = (report.rate(now: now) * 10).rounded() / 10
        segment = report.segment
        `where` = report.segmentWhere
    }

    enum CodingKeys: String, CodingKey {
        case id, status, reason, edition, list, queued, sending, sent, deferred, failed, skipped, total, rate
        case segment, `where`
        case scheduledAt = "scheduled_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// What `send schedule --dry-run --json` prints.
struct AudiencePreviewJSON: Encodable {
    var edition: String
    var list: String
    var segment: String?
    var `where`: String?
    var count: Int
    var warnings: [String]

    init(_ preview: AudiencePreview) {
        edition = preview.edition
        list = preview.list
        if case .segment(let slug) = preview.audience { segment = slug }
        `where` = preview.filter
        count = preview.count
        warnings = preview.warnings
    }
}
