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
}

extension Operations {
    /// The report of one send: sent, deferred, failed and skipped deliveries, and the hard and soft
    /// bounces, complaints and unsubscribes that came back from its messages.
    public func sendResults(id: Int64) throws(OperationError) -> SendResults {
        try storing {
            SendResults(report: try database.sendReport(id: id), outcomes: try database.sendOutcomes(id: id))
        }
    }

    /// The recipients of a send with their last SMTP reply; `filter` keeps the failed, deferred or
    /// bounced ones. Addresses are as stored: adapters mask them unless asked not to.
    public func deliveries(sendID: Int64, filter: DeliveryFilter?) throws(OperationError) -> [DeliveryLine] {
        try storing { try database.deliveryLines(sendID: sendID, filter: filter) }
    }
}
