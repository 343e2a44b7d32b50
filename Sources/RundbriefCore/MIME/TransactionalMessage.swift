public import Foundation

/// A single message that is not part of a send, e.g. a subscription confirmation:
/// text/plain, or multipart/alternative when there is HTML too.
public struct TransactionalMessage: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var replyTo: Mailbox?
    public var subject: String
    /// The plain text; line breaks in any form become CRLF.
    public var text: String
    /// The HTML alternative, if any.
    public var html: String?
    public var messageID: MessageID
    public var date: Date
    /// Further headers, written after the standard ones.
    public var extraHeaders: [HeaderField]

    public init(
        from: Mailbox, to: Mailbox, replyTo: Mailbox? = nil, subject: String, text: String,
        html: String? = nil,
        messageID: MessageID, date: Date, extraHeaders: [HeaderField] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// The encoded message, CRLF line ends, ending in CRLF; signed when `signer` is set.
    /// It carries `Auto-Submitted: auto-generated` (RFC 3834) so auto-responders stay quiet.
    /// - Throws: ``MIMEError`` when a header cannot be written safely, ``DKIMError`` if signing fails.
    public func encoded(signer: DKIMSigner? = nil) throws -> [UInt8] {
        let body = try PreparedBody(
            text: PersonalizedText(parts: [.literal(text)]),
            html: html.map { PersonalizedText(parts: [.literal($0)]) })
        var headers = [try HeaderField(name: "From", mailboxes: [from])]
        if let replyTo { headers.append(try HeaderField(name: "Reply-To", mailboxes: [replyTo])) }
        headers += [
            try HeaderField(name: "To", mailboxes: [to]), try HeaderField(name: "Subject", text: subject),
            .date(date),
            .messageID(messageID), .mimeVersion,
        ]
        headers +=
            body.headers + [HeaderField(verifiedName: "Auto-Submitted", value: "auto-generated")]
            + extraHeaders
        let encodedBody = body.render { _ in "" }
        var output: [UInt8] = []
        if let signer {
            try signer.signature(headers: headers, bodyHash: body.hash(of: encodedBody), timestamp: date)
                .write(to: &output)
        }
        for header in headers { header.write(to: &output) }
        output.append(contentsOf: ASCII.crlf)
        output.append(contentsOf: encodedBody)
        return output
    }
}
