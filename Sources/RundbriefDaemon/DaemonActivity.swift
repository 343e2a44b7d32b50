/// What the daemon is doing, in one line for `systemctl status` and in numbers for metrics.
public struct DaemonActivity: Sendable, Equatable, Codable {
    /// "sending 'Newsletter III/2025' to verteiler: 12,400/30,000, 180/s" or "idle; nothing scheduled".
    public var summary: String
    public var sendsRunning: Int
    /// Messages finished per second over all running sends, since the previous look.
    public var rate: Double

    public init(summary: String, sendsRunning: Int = 0, rate: Double = 0) {
        self.summary = summary
        self.sendsRunning = sendsRunning
        self.rate = rate
    }
}

/// Anything that can say what the daemon is doing. `OperationsMonitor` reads it from the database;
/// the send engine may provide a finer one from its in-memory progress.
public protocol DaemonActivityReporting: Sendable {
    /// Looks again and describes the daemon's current work.
    func currentActivity() async -> DaemonActivity
}
