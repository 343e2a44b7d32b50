public import Foundation
public import RundbriefStore

extension EditionMailer: SendMessageBuilder {
    /// The message of one claimed delivery: its VERP envelope names the delivery.
    public func message(for delivery: Delivery.Claimed, date: Date) throws -> OutgoingMessage {
        try message(
            subscriberID: delivery.subscriberID, email: delivery.email, name: delivery.name,
            attributes: delivery.attributes, deliveryID: delivery.id, date: date)
    }
}
