public import Foundation
public import RundbriefCore
public import RundbriefStore

/// Where a running send stands: for log lines, `send status` and systemd's STATUS=.
public struct SendProgress: Sendable, Equatable {
    public var sendID: Int64
    public var edition: String
    public var status: SendStatus
    public var counts: SendCounts
    /// Messages accepted per second over the last progress interval.
    public var rate: Double
    public var updatedAt: Date

    public init(
        sendID: Int64, edition: String, status: SendStatus, counts: SendCounts, rate: Double,
        updatedAt: Date
    ) {
        self.sendID = sendID
        self.edition = edition
        self.status = status
        self.counts = counts
        self.rate = rate
        self.updatedAt = updatedAt
    }

    /// One line for systemd's STATUS=, e.g. `send 3 (ausgabe-3): 1200/5000 sent, 4 deferred, 1 failed, 310/s`.
    public var statusLine: String {
        "send \(sendID) (\(edition)): \(counts.sent)/\(counts.total) sent, \(counts.deferred) deferred, "
            + "\(counts.failed) failed, \(Int(rate.rounded()))/s"
    }
}
