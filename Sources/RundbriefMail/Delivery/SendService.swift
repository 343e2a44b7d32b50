public import Logging
public import RundbriefStore
public import ServiceLifecycle
import Foundation
import RundbriefCore
import Synchronization

/// The scheduler and the sender of `rundbrief serve`: starts due sends, resumes running ones after
/// a restart, and runs a ``SendRunner`` for each running send.
///
/// On graceful shutdown it stops claiming, lets the SMTP transactions in flight finish, records
/// their outcomes and returns; the sends stay `running` and resume at the next start.
public struct SendService: Service {
    private let state: SendServiceState

    /// - Parameters:
    ///   - database: the store.
    ///   - transport: where messages go (shared by every send; its concurrency caps connections).
    ///   - policy: rate limits, retries, batch size (``DeliveryPolicy/init(configuration:)``).
    ///   - makeBuilder: builds a send's message builder from its snapshot, once per start.
    ///   - clock: the time source; `.system` outside tests.
    ///   - tick: how often the scheduler looks for due sends.
    ///   - logger: where progress and decisions are logged.
    public init(
        database: AppDatabase, transport: any MailTransport, policy: DeliveryPolicy,
        makeBuilder: @escaping SendMessageBuilderFactory, clock: SendClock = .system,
        tick: Duration = .seconds(1), logger: Logger
    ) {
        state = SendServiceState(
            database: database, transport: transport, policy: policy, makeBuilder: makeBuilder,
            clock: clock, tick: tick, logger: logger)
    }

    /// Runs until cancelled or gracefully shut down.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await state.run()
        } onGracefulShutdown: {
            state.shutdown()
        }
    }
}
