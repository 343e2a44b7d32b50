public import Foundation
public import RundbriefCore
public import RundbriefStore

extension EditionMailer: SendMessageBuilder {
    /// The message of one claimed delivery: its VERP envelope names the delivery.
    public func message(for delivery: Delivery.Claimed, date: Date) throws -> OutgoingMessage {
        try message(
            subscriberID: delivery.subscriberID, email: delivery.email, name: delivery.name,
            attributes: delivery.attributes, deliveryID: delivery.id, date: date)
    }

    /// The factory `SendService` calls once when a send starts or resumes: it renders the send's
    /// edition snapshot (not the edition as edited since) through the templates on disk.
    public static func factory(
        configuration: Configuration, tokens: TokenSigner, dkim: [DKIMSigner]
    ) -> SendMessageBuilderFactory {
        { send, list in
            guard let snapshot = send.decodedSnapshot, let sendID = send.id else {
                throw DeliveryError(.cannotRender, "send \(send.id ?? 0) has no edition snapshot")
            }
            do {
                let edition = try EditionSource(text: snapshot.source, fileName: snapshot.slug)
                let templates = try TemplateLibrary(directory: configuration.templates.directory)
                return try EditionMailer(
                    configuration: configuration, edition: edition, list: list, templates: templates, tokens: tokens,
                    dkim: dkim, sendID: sendID, issued: send.startedAt ?? send.createdAt)
            } catch {
                throw DeliveryError(.cannotRender, "cannot render edition '\(snapshot.slug)': \(error)")
            }
        }
    }
}
