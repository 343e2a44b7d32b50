public import Foundation
public import RundbriefCore
public import RundbriefStore

/// Builds the messages of one edition to one list: rendered and encoded once, then per recipient only
/// the slots, the unsubscribe links, the Message-ID, `To`, the VERP envelope sender and the signature.
///
/// Sends, `edition render` and `edition test-send` all build their messages here, so what a test shows
/// is exactly what a subscriber gets.
public struct EditionMailer: Sendable {
    private let composer: MessageComposer
    private let tokens: TokenSigner
    private let listID: Int64
    private let sendID: Int64
    private let issued: Date
    private let baseURL: String
    private let unsubscribeAddress: String
    private let bounceLocalPart: String
    private let bounceDomain: String
    /// A test send to an address that subscribes to nothing: its message carries no token at all.
    private let withholdsUnsubscribe: Bool

    /// - Parameters:
    ///   - sendID: the send the messages belong to (0 for tests and previews): part of the Message-ID,
    ///     the Feedback-ID and the unsubscribe token (so unsubscribes count in the send's report).
    ///   - issued: the issue time of the unsubscribe tokens (the send's start, so a retried message is identical).
    ///   - test: marks the messages as a test send (`edition test-send`, `edition render`); nil for a send.
    /// - Throws: `TemplateError` for a broken template, `MIMEError` for an unusable header, `DKIMError` for a bad key.
    public init(
        configuration: Configuration, edition: EditionSource, list: MailingList, templates: TemplateLibrary,
        tokens: TokenSigner, dkim: [DKIMSigner], sendID: Int64, issued: Date, test: TestSendMarking? = nil
    ) throws {
        var context = RenderContext(
            configuration: configuration, listName: list.name, listSlug: list.slug, date: issued)
        withholdsUnsubscribe = test.map { !$0.recipientIsSubscriber } ?? false
        if withholdsUnsubscribe { context.audience = .testRecipient }
        var rendered = try templates.render(edition, context: context)
        if let test { rendered.prefixSubject(test.subjectPrefix) }
        let sender = configuration.sender
        let replyTo = edition.replyTo ?? (sender.replyTo.isEmpty ? nil : sender.replyTo)
        var newsletter = NewsletterConfiguration(
            // `from:` was checked against the allowed domains when the edition was added.
            from: try Mailbox(
                address: edition.fromParts?.address ?? sender.address,
                displayName: edition.fromParts?.displayName ?? sender.name),
            replyTo: try replyTo.map { try Mailbox(address: $0) },
            listName: list.name, listID: "\(list.slug).\(sender.bounceDomain)",
            feedbackID: "\(list.slug):\(sendID):\(sender.feedbackID)")
        if let header = test?.header { newsletter.extraHeaders.append(header) }
        composer = try MessageComposer(edition: rendered, configuration: newsletter, signers: dkim)
        self.tokens = tokens
        self.listID = list.id ?? 0
        self.sendID = sendID
        self.issued = issued
        baseURL = configuration.http.baseURL
        unsubscribeAddress = sender.unsubscribeAddress
        bounceLocalPart = sender.bounceLocalPart
        bounceDomain = sender.bounceDomain
    }

    /// The message for one subscriber.
    /// - Parameters:
    ///   - deliveryID: names the delivery in the VERP envelope sender; nil for tests (plain bounce address).
    ///   - messageID: overrides the deterministic (send, subscriber) Message-ID (test sends use a fresh one).
    public func message(
        subscriberID: Int64, email: String, name: String, attributes: [String: String], deliveryID: Int64?,
        date: Date, messageID: MessageID? = nil
    ) throws -> OutgoingMessage {
        let token =
            withholdsUnsubscribe
            ? nil
            : tokens.sign(
                TokenClaims(
                    purpose: .unsubscribe, subscriberID: subscriberID, listID: listID, issued: issued,
                    sendID: sendID > 0 ? sendID : nil))
        let recipient = Recipient(
            address: email, name: name, attributes: attributes,
            unsubscribeURL: token.map { UnsubscribeLinks.https(baseURL: baseURL, token: $0) } ?? "",
            unsubscribeMailto: token == nil
                ? ""
                : UnsubscribeLinks.mailto(
                    address: unsubscribeAddress, subscriberID: subscriberID, listID: listID, issued: issued,
                    signer: tokens),
            messageID: try messageID
                ?? SignedMessageID.make(
                    sendID: sendID, subscriberID: subscriberID, domain: bounceDomain, signer: tokens))
        let envelope =
            deliveryID.map {
                VERPAddress.make(deliveryID: $0, localPart: bounceLocalPart, domain: bounceDomain, signer: tokens)
            } ?? "\(bounceLocalPart)@\(bounceDomain)"
        return OutgoingMessage(
            envelopeFrom: envelope, recipient: email, data: try composer.message(for: recipient, date: date))
    }
}
