public import Foundation

/// Builds the per-recipient messages of one send.
///
/// Made once per (edition, send): the body's literal text is quoted-printable
/// encoded once and the shared headers are encoded and folded once. Per
/// recipient, only the slot values, `To`, `Date`, `Message-ID` and
/// `List-Unsubscribe` are encoded, and the message gets one DKIM signature per signer.
/// The body hash is computed once per message and shared by every signature (once
/// per edition when the body has no per-recipient slots).
public struct MessageComposer: Sendable {
    private let leadingHeaders: [HeaderField]
    /// The Subject header when it is the same for everyone; nil when it has per-recipient slots.
    private let subject: HeaderField?
    private let subjectText: PersonalizedText
    private let contentHeaders: [HeaderField]
    private let trailingHeaders: [HeaderField]
    private let body: PreparedBody
    private let signers: [DKIMSigner]

    private static let unsubscribePost = HeaderField(
        verifiedName: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click")
    private static let precedence = HeaderField(verifiedName: "Precedence", value: "bulk")

    /// - Parameters:
    ///   - edition: The rendered edition; its `preheader` is expected inside `html` already.
    ///   - configuration: The list's shared headers.
    ///   - signer: Signs every message with DKIM when set.
    /// - Throws: ``MIMEError`` when a shared header cannot be written safely.
    public init(
        edition: RenderedEdition, configuration: NewsletterConfiguration, signer: DKIMSigner? = nil
    ) throws {
        try self.init(edition: edition, configuration: configuration, signers: signer.map { [$0] } ?? [])
    }

    /// - Parameters:
    ///   - edition: The rendered edition; its `preheader` is expected inside `html` already.
    ///   - configuration: The list's shared headers.
    ///   - signers: Each adds a DKIM signature to every message (e.g. an RSA and an Ed25519 key,
    ///     so verifiers without RFC 8463 still find one they can check).
    /// - Throws: ``MIMEError`` when a shared header cannot be written safely.
    public init(
        edition: RenderedEdition, configuration: NewsletterConfiguration, signers: [DKIMSigner]
    ) throws {
        var leading = [try HeaderField(name: "From", mailboxes: [configuration.from])]
        if let replyTo = configuration.replyTo {
            leading.append(try HeaderField(name: "Reply-To", mailboxes: [replyTo]))
        }
        leadingHeaders = leading
        subjectText = edition.subjectText
        subject =
            edition.subjectText.slots.isEmpty
            ? try HeaderField(name: "Subject", text: edition.subjectText.filled { _ in "" }) : nil
        body = try PreparedBody(text: edition.text, html: edition.html)
        contentHeaders =
            [.mimeVersion] + body.headers + [
                try .listID(name: configuration.listName, id: configuration.listID)
            ]
        var trailing = [Self.precedence]
        if let feedbackID = configuration.feedbackID {
            trailing.append(try HeaderField(name: "Feedback-ID", structured: feedbackID))
        }
        if let mailer = configuration.mailer {
            trailing.append(try HeaderField(name: "X-Mailer", text: mailer))
        }
        for extra in configuration.extraHeaders {
            trailing.append(try HeaderField(name: extra.name, text: extra.value))
        }
        trailingHeaders = trailing
        self.signers = signers
    }

    /// The complete message for one recipient: CRLF line ends, ending in CRLF.
    /// - Parameters:
    ///   - recipient: Who it goes to and what fills the slots.
    ///   - date: The `Date` header (and the DKIM `t=` tag).
    /// - Throws: ``MIMEError`` for an invalid address or unsafe URL, ``DKIMError`` if signing fails.
    public func message(for recipient: Recipient, date: Date) throws -> [UInt8] {
        let headers = try headers(for: recipient, date: date)
        let encodedBody = body.render(recipient.value(for:))
        var output: [UInt8] = []
        output.reserveCapacity(encodedBody.count + 2048)
        if !signers.isEmpty {
            let bodyHash = body.hash(of: encodedBody)
            for signer in signers {
                try signer.signature(headers: headers, bodyHash: bodyHash, timestamp: date).write(to: &output)
            }
        }
        for header in headers { header.write(to: &output) }
        output.append(contentsOf: ASCII.crlf)
        output.append(contentsOf: encodedBody)
        return output
    }

    private func headers(for recipient: Recipient, date: Date) throws -> [HeaderField] {
        var headers = leadingHeaders
        headers.append(
            try HeaderField(
                name: "To",
                mailboxes: [Mailbox(address: recipient.address, displayName: HeaderText.singleLine(recipient.name))]))
        headers.append(
            try subject
                ?? HeaderField(
                    name: "Subject", text: subjectText.filled { HeaderText.singleLine(recipient.value(for: $0)) }))
        headers.append(.date(date))
        headers.append(.messageID(recipient.messageID))
        headers += contentHeaders
        if !recipient.unsubscribeURL.isEmpty || !recipient.unsubscribeMailto.isEmpty {
            headers.append(
                try .listUnsubscribe(https: recipient.unsubscribeURL, mailto: recipient.unsubscribeMailto))
        }
        // RFC 8058: one-click only with an https URI (providers ignore it on http).
        if Self.isHTTPS(recipient.unsubscribeURL) {
            headers.append(Self.unsubscribePost)
        }
        headers += trailingHeaders
        return headers
    }

    /// Whether `url` starts with `https://` in any case, compared as bytes.
    private static func isHTTPS(_ url: String) -> Bool {
        let scheme = Array("https://".utf8)
        var utf8 = url.utf8.makeIterator()
        for expected in scheme {
            guard let byte = utf8.next(), byte | (expected >= 0x61 ? 0x20 : 0) == expected else { return false }
        }
        return true
    }
}
