public import Foundation
public import Hummingbird
public import Logging
public import RundbriefCore
public import RundbriefMail
public import RundbriefStore

extension WebApplication {
    /// Builds the subscriber web over a `MailTransport` (the daemon's SMTP transport): confirmation
    /// and welcome mails go out through it at once, not through the bulk send queue.
    /// See ``init(configuration:database:signer:send:logger:now:extraRoutes:)`` for the rest.
    public init(
        configuration: Configuration, database: AppDatabase, signer: TokenSigner,
        transport: any MailTransport, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        extraRoutes: @escaping @Sendable (Router<WebRequestContext>) -> Void = { _ in }
    ) async throws {
        try await self.init(
            configuration: configuration, database: database, signer: signer,
            send: { from, to, data in
                let outcome = await transport.send(
                    OutgoingMessage(envelopeFrom: from, recipient: to, data: data))
                guard outcome.isDelivered else { throw WebError(.mail, outcome.description) }
            },
            logger: logger, now: now, extraRoutes: extraRoutes)
    }
}
