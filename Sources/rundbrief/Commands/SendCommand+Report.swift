import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefStore

extension SendCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what became of a send: delivered, failed, bounced, complained, unsubscribed.",
            discussion: """
                Bounces and complaints count when they came back through this send's messages (the signed
                bounce address or Message-ID); unsubscribes when they came through this send's unsubscribe
                link. Rates are per message sent.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64
        @Flag(help: "Print the report as JSON.") var json = false

        func run() throws {
            try reporting {
                let results = try global.operations().sendResults(id: id)
                let value = SendReportJSON(results)
                if json {
                    try Output.json(value)
                    return
                }
                let report = results.report
                Output.line("send \(id): \(report.edition) to \(report.list), \(report.send.status.rawValue)")
                let rows: [(String, Int)] = [
                    ("sent", value.sent), ("deferred", value.deferred), ("failed", value.failed),
                    ("skipped", value.skipped), ("bounced (hard)", value.bouncedHard),
                    ("bounced (soft)", value.bouncedSoft), ("complained", value.complained),
                    ("unsubscribed", value.unsubscribed),
                ]
                Output.table(
                    ["", "COUNT", "RATE"],
                    rows.map { name, count in
                        [name, "\(count)", name == "sent" ? "" : String(format: "%.2f %%", results.rate(count) * 100)]
                    })
            }
        }
    }

    struct Deliveries: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a send's recipients with the last SMTP reply (addresses masked).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The send's id.") var id: Int64
        @Option(help: "Only these: failed, deferred or bounced.") var status: String?
        @Flag(help: "Show addresses in full (they are personal data: mind who reads along).") var unmasked = false
        @Flag(help: "Print an array of delivery objects.") var json = false

        func validate() throws {
            if let status, DeliveryFilter(rawValue: status) == nil {
                throw ValidationError("--status is failed, deferred or bounced, not \(status)")
            }
        }

        func run() throws {
            try reporting {
                let filter = status.flatMap(DeliveryFilter.init(rawValue:))
                let lines = try global.operations().deliveries(sendID: id, filter: filter, unmasked: unmasked).lines
                    .map(DeliveryJSON.init)
                if json {
                    try Output.json(lines)
                    return
                }
                Output.table(
                    ["ADDRESS", "STATUS", "BOUNCE", "ATTEMPTS", "REPLY"],
                    lines.map {
                        [
                            $0.email ?? "(forgotten)", $0.status, $0.bounce ?? "-", "\($0.attempts)",
                            [$0.code.map(String.init), $0.enhancedStatus, $0.reply].compactMap { $0 }
                                .joined(separator: " "),
                        ]
                    })
            }
        }
    }
}

/// A send's report as `send report --json` prints it.
struct SendReportJSON: Encodable {
    var id: Int64
    var status: String
    var edition: String
    var list: String
    var total: Int
    var sent: Int
    var deferred: Int
    var failed: Int
    var skipped: Int
    var bouncedHard: Int
    var bouncedSoft: Int
    var complained: Int
    var unsubscribed: Int
    /// Each count (but `sent`) per message sent.
    var rates: [String: Double]

    init(_ results: SendResults) {
        let report = results.report
        id = report.send.id ?? 0
        status = report.send.status.rawValue
        edition = report.edition
        list = report.list
        total = report.counts.total
        sent = report.counts.sent
        deferred = report.counts.deferred
        failed = report.counts.failed
        skipped = report.counts.skipped
        bouncedHard = results.outcomes.bouncedHard
        bouncedSoft = results.outcomes.bouncedSoft
        complained = results.outcomes.complained
        unsubscribed = results.outcomes.unsubscribed
        rates = results.rates
    }

    enum CodingKeys: String, CodingKey {
        case id, status, edition, list, total, sent, deferred, failed, skipped, complained, unsubscribed, rates
        case bouncedHard = "bounced_hard"
        case bouncedSoft = "bounced_soft"
    }
}

/// One recipient as `send deliveries --json` prints it.
struct DeliveryJSON: Encodable {
    var id: Int64
    var email: String?
    var status: String
    var attempts: Int
    var code: Int?
    var enhancedStatus: String?
    var reply: String?
    var bounce: String?
    var updatedAt: Date

    /// `line` as the operation gave it: masked unless asked otherwise.
    init(_ line: DeliveryLine) {
        id = line.deliveryID
        email = line.email
        status = line.status.rawValue
        attempts = line.attempts
        code = line.lastCode
        enhancedStatus = line.lastStatus
        reply = line.lastReply
        bounce = line.bounce
        updatedAt = line.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status, attempts, code, reply, bounce
        case enhancedStatus = "enhanced_status"
        case updatedAt = "updated_at"
    }
}
