extension MailTransport {
    /// Delivers one transactional message (a confirmation, a welcome) and throws unless the relay
    /// accepted it: the shape of the subscriber web's `send` closure, which `rundbrief serve` builds
    /// over its transport.
    /// - Throws: ``UndeliveredMessage`` with the outcome.
    public func deliver(from envelopeFrom: String, to recipient: String, data: [UInt8])
        async throws(UndeliveredMessage)
    {
        let outcome = await send(OutgoingMessage(envelopeFrom: envelopeFrom, recipient: recipient, data: data))
        guard outcome.isDelivered else { throw UndeliveredMessage(outcome: outcome) }
    }
}

/// The relay did not accept a message; the outcome says how far it got and why.
public struct UndeliveredMessage: Error, Sendable, CustomStringConvertible {
    /// How the transaction ended.
    public var outcome: SMTPOutcome

    /// `transient at rcptTo: 451 4.7.1 ...`, as ``SMTPOutcome`` describes it.
    public var description: String { outcome.description }
}
