import Foundation
import RundbriefCore
public import RundbriefStore

/// What `rundbrief status` and the console's dashboard show: the store's snapshot with replies
/// masked, and the sends that need a person (failed or paused, with their reason).
public struct StatusOverview: Sendable {
    public var snapshot: OperationsSnapshot
    /// Failed and paused sends, newest first.
    public var needingAttention: [SendReport]
}

extension Operations {
    /// The operator's overview, read in one snapshot. Nothing in it names a subscriber.
    /// Blocks on SQLite: adapters call it off the Swift concurrency pool.
    public func statusSnapshot() throws(OperationError) -> OperationsSnapshot {
        Self.masked(try storing { try database.currentOperationsSnapshot(now: now) })
    }

    /// The snapshot and the sends needing attention.
    public func statusOverview() throws(OperationError) -> StatusOverview {
        let snapshot = try statusSnapshot()
        let attention = try storing { try database.sendReports() }.filter {
            $0.send.status == .failed || $0.send.status == .paused
        }
        return StatusOverview(snapshot: snapshot, needingAttention: attention)
    }

    /// SMTP replies often quote the recipient; the overview is no place for addresses.
    static func masked(_ snapshot: OperationsSnapshot) -> OperationsSnapshot {
        var copy = snapshot
        for index in copy.recentErrors.indices {
            copy.recentErrors[index].reply = copy.recentErrors[index].reply.map(LogRedaction.addresses(in:))
        }
        return copy
    }
}
