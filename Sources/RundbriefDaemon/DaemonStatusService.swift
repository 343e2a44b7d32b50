import AsyncAlgorithms
import Foundation
public import Logging
public import ServiceLifecycle

/// Keeps systemd and `rundbrief status` informed while the daemon runs: `WATCHDOG=1` at half the
/// watchdog interval, `STATUS=` with the current activity, the heartbeat file, and `STOPPING=1` as
/// soon as graceful shutdown begins.
///
/// Watchdog pings run on their own timer, so a slow status query cannot make systemd kill a healthy
/// daemon; a daemon whose timers stopped firing is killed, as it should be.
public struct DaemonStatusService: Service {
    private let notifier: SystemdNotifier?
    private let reporter: any DaemonActivityReporting
    private let stateFile: DaemonStateFile?
    private let baseState: DaemonStateFile.State
    private let interval: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - notifier: nil when not started by systemd.
    ///   - reporter: what describes the current work.
    ///   - stateFile: the heartbeat file, nil to write none.
    ///   - listen: the HTTP address, recorded in the heartbeat.
    ///   - interval: how often the status is refreshed (config delivery.progress_interval_seconds).
    public init(
        notifier: SystemdNotifier?, reporter: any DaemonActivityReporting, stateFile: DaemonStateFile?,
        listen: String, version: String, interval: Duration, logger: Logger
    ) {
        self.notifier = notifier
        self.reporter = reporter
        self.stateFile = stateFile
        self.interval = interval
        self.logger = logger
        let now = Date()
        self.baseState = DaemonStateFile.State(
            pid: ProcessInfo.processInfo.processIdentifier, version: version, startedAt: now,
            updatedAt: now, listen: listen, activity: "starting",
            intervalSeconds: Double(interval.components.seconds))
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                if let notifier, let watchdog = notifier.watchdogInterval {
                    group.addTask { await Self.pingWatchdog(notifier, every: watchdog) }
                }
                group.addTask { await self.reportStatus() }
            }
        } onGracefulShutdown: { [notifier, logger] in
            logger.info("shutting down: finishing in-flight work")
            notifier?.stopping(status: "stopping: finishing in-flight SMTP transactions")
        }
    }

    private static func pingWatchdog(_ notifier: SystemdNotifier, every interval: Duration) async {
        notifier.watchdog()
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous)
            .cancelOnGracefulShutdown()
        {
            notifier.watchdog()
        }
    }

    private func reportStatus() async {
        await update()
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous)
            .cancelOnGracefulShutdown()
        {
            await update()
        }
    }

    /// Sends the status even when unchanged: a reload or a start message may have replaced it.
    private func update() async {
        let activity = await reporter.currentActivity()
        notifier?.status(activity.summary)
        guard let stateFile else { return }
        var state = baseState
        state.updatedAt = Date()
        state.activity = activity.summary
        do {
            try stateFile.write(state)
        } catch {
            logger.debug("cannot write the state file", metadata: ["file.path": "\(stateFile.path)"])
        }
    }
}
