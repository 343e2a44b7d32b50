import Foundation
import RundbriefCore
public import RundbriefStore

/// A send's report: its deliveries and what came back, each attributed to this send, with rates
/// per message sent.
public struct SendResults: Sendable, Equatable {
    public var report: SendReport
    public var outcomes: SendOutcomes

    /// `count` per message sent (0 before any was sent).
    public func rate(_ count: Int) -> Double {
        report.counts.sent > 0 ? Double(count) / Double(report.counts.sent) : 0
    }

    /// Each count but `sent` per message sent, to four places, by the names `send report --json`
    /// and the API give them.
    public var rates: [String: Double] {
        let counts = [
            "deferred": report.counts.deferred, "failed": report.counts.failed, "skipped": report.counts.skipped,
            "bounced_hard": outcomes.bouncedHard, "bounced_soft": outcomes.bouncedSoft,
            "complained": outcomes.complained, "unsubscribed": outcomes.unsubscribed,
        ]
        return counts.mapValues { (rate($0) * 10_000).rounded() / 10_000 }
    }
}

extension Operations {
    /// The report of one send: sent, deferred, failed and skipped deliveries, and the hard and soft
    /// bounces, complaints and unsubscribes that came back from its messages.
    public func sendResults(id: Int64) throws(OperationError) -> SendResults {
        try storing {
            SendResults(report: try database.sendReport(id: id), outcomes: try database.sendOutcomes(id: id))
        }
    }

    /// The most deliveries one page holds.
    public static let deliveryPageLimit = 500

    /// The recipients of a send with their last SMTP reply, a page at a time; `filter` keeps the
    /// failed, deferred or bounced ones. Addresses (and the replies, which often quote them) are
    /// masked unless `unmasked`, which only admins may ask for.
    /// - Parameters:
    ///   - cursor: the previous page's `nextCursor`; nil for the first page.
    ///   - limit: 1 to ``deliveryPageLimit``; nil for every delivery (the command line).
    /// - Throws: ``OperationError`` `.forbidden` (an editor asking unmasked), `.invalid` (a bad
    ///   cursor or limit), `.notFound` (no such send).
    public func deliveries(
        sendID: Int64, filter: DeliveryFilter?, unmasked: Bool = false, cursor: String? = nil, limit: Int? = nil
    ) throws(OperationError) -> DeliveryPage {
        if unmasked { try requireAdmin("see recipients' addresses unmasked") }
        if let limit, !(1...Self.deliveryPageLimit).contains(limit) {
            throw OperationError(.invalid, "limit must be between 1 and \(Self.deliveryPageLimit)")
        }
        var after: Int64 = 0
        if let cursor {
            // A cursor is the last delivery id of the previous page, as this server wrote it.
            guard (1...18).contains(cursor.utf8.count), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let id = Int64(cursor)
            else { throw OperationError(.invalid, "the cursor is not one this server gave out") }
            after = id
        }
        // One more than asked tells whether another page follows.
        var lines = try storing {
            try database.deliveryLines(sendID: sendID, filter: filter, after: after, limit: limit.map { $0 + 1 })
        }
        var next: String?
        if let limit, lines.count > limit {
            lines.removeLast(lines.count - limit)
            next = lines.last.map { "\($0.deliveryID)" }
        }
        if !unmasked {
            lines = lines.map { line in
                var masked = line
                masked.email = line.email.map(LogRedaction.address)
                masked.lastReply = line.lastReply.map(LogRedaction.addresses(in:))
                return masked
            }
        }
        return DeliveryPage(lines: lines, nextCursor: next)
    }
}

/// One page of a send's deliveries.
public struct DeliveryPage: Sendable, Equatable {
    public var lines: [DeliveryLine]
    /// Hand it back as `cursor` for the next page; nil on the last page.
    public var nextCursor: String?
}
