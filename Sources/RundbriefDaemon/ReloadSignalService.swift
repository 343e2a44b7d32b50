public import Logging
public import ServiceLifecycle
import UnixSignals

/// Reloads on SIGHUP (`systemctl reload`): tells systemd `RELOADING=1`, runs the reload, logs what
/// changed and reports `READY=1` again. A failed reload keeps the running configuration.
public struct ReloadSignalService: Service {
    /// Applies a fresh configuration and returns one line saying what it reloaded.
    public typealias Reload = @Sendable () async throws -> String

    private let notifier: SystemdNotifier?
    private let logger: Logger
    private let reload: Reload

    public init(notifier: SystemdNotifier?, logger: Logger, reload: @escaping Reload) {
        self.notifier = notifier
        self.logger = logger
        self.reload = reload
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            notifier?.reloading()
            do {
                let summary = try await reload()
                logger.notice("reloaded: \(summary)")
            } catch {
                // A warning: the operator asked for a change that did not happen.
                logger.warning("reload failed, keeping the running configuration", metadata: ["error": "\(error)"])
            }
            notifier?.notify("READY=1")
        }
    }
}
