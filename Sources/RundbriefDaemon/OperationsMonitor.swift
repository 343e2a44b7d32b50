public import Foundation
public import Logging
public import RundbriefStore
import Synchronization

/// Looks at the database and says what the daemon is doing: the status line for systemd and the
/// gauges for `/metrics`. It works from the delivery rows alone, so it describes any sender's work
/// (and a crashed one's leftovers) the same way.
public final class OperationsMonitor: DaemonActivityReporting {
    private struct Sample {
        var at: ContinuousClock.Instant
        var doneBySend: [Int64: Int]
    }

    private let database: AppDatabase
    private let timeZone: TimeZone
    private let previous = Mutex<Sample?>(nil)
    private let failing = Mutex(false)
    private let logger: Logger

    /// - Parameters:
    ///   - database: the store to read.
    ///   - timeZone: for the time of the next scheduled send (config delivery.timezone).
    ///   - logger: told once when the database stops answering, and when it answers again.
    public init(database: AppDatabase, timeZone: TimeZone, logger: Logger) {
        self.database = database
        self.timeZone = timeZone
        self.logger = logger
    }

    public func currentActivity() async -> DaemonActivity {
        do {
            let snapshot = try await database.operationsSnapshot(errorLimit: 0)
            let activity = describe(snapshot, rates: rates(for: snapshot.sends))
            MailMetrics.update(from: snapshot, activity: activity)
            if failing.withLock({ $0 }) {
                failing.withLock { $0 = false }
                logger.notice("the database answers again")
            }
            return activity
        } catch {
            // Logged once per outage, not at every refresh: the journal is for events, not for polling.
            if !failing.withLock({ $0 }) {
                failing.withLock { $0 = true }
                logger.error("cannot read the database for status and metrics", metadata: ["error": "\(error)"])
            }
            return DaemonActivity(summary: "database unavailable: \(error)")
        }
    }

    /// Messages finished per second for each running send since the previous call.
    private func rates(for sends: [SendOverview]) -> [Int64: Double] {
        let now = ContinuousClock.now
        let done = Dictionary(uniqueKeysWithValues: sends.map { ($0.id, $0.done) })
        let last = previous.withLock { sample in
            defer { sample = Sample(at: now, doneBySend: done) }
            return sample
        }
        guard let last else { return [:] }
        let seconds = Self.seconds(now - last.at)
        guard seconds > 0 else { return [:] }
        var result: [Int64: Double] = [:]
        for (id, count) in done {
            if let before = last.doneBySend[id] { result[id] = Double(max(0, count - before)) / seconds }
        }
        return result
    }

    func describe(_ snapshot: OperationsSnapshot, rates: [Int64: Double]) -> DaemonActivity {
        let running = snapshot.sends.filter { $0.status == "running" }
        let rate = running.reduce(0) { $0 + (rates[$1.id] ?? 0) }
        guard running.isEmpty else {
            let parts = running.map { send in
                "sending '\(send.subject)' to \(send.listSlug): "
                    + "\(Self.grouped(send.done))/\(Self.grouped(send.total)), "
                    + "\(Self.grouped(Int((rates[send.id] ?? 0).rounded())))/s"
            }
            return DaemonActivity(
                summary: parts.joined(separator: "; "), sendsRunning: running.count, rate: rate)
        }
        var summary = "idle"
        if let paused = snapshot.sends.first(where: { $0.status == "paused" }) {
            summary +=
                "; send \(paused.id) '\(paused.subject)' paused at "
                + "\(Self.grouped(paused.done))/\(Self.grouped(paused.total))"
        }
        if let next = snapshot.sends.first(where: { $0.status == "scheduled" }) {
            summary += "; next send '\(next.subject)' to \(next.listSlug) at \(format(next.scheduledAt))"
        } else {
            summary += "; nothing scheduled"
        }
        return DaemonActivity(summary: summary)
    }

    private func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }

    /// 12400 → "12,400": the status line is read by people.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
