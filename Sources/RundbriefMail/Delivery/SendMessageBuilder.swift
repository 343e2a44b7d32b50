public import Foundation
public import RundbriefStore

/// Builds the message of one delivery of a send: the edition rendered once, per recipient only the
/// slots, the unsubscribe link, the Message-ID and the VERP envelope sender.
public protocol SendMessageBuilder: Sendable {
    /// The message for `delivery`, dated `date`.
    /// - Throws: when the message cannot be built for this recipient (the delivery fails; the send goes on).
    func message(for delivery: Delivery.Claimed, date: Date) throws -> OutgoingMessage
}

/// Makes the message builder of a send from its stored snapshot; called once when a sender starts.
public typealias SendMessageBuilderFactory =
    @Sendable (_ send: Send, _ list: MailingList) async throws -> any SendMessageBuilder
