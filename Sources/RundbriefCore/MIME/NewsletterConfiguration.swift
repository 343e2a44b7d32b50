/// The headers that are the same for every message of a list.
public struct NewsletterConfiguration: Sendable {
    /// The `From` mailbox.
    public var from: Mailbox
    /// An optional `Reply-To` mailbox.
    public var replyTo: Mailbox?
    /// The list's human name for `List-Id`, e.g. `"Interkommunales.NRW Newsletter"`.
    public var listName: String
    /// The list identifier for `List-Id` (RFC 2919), e.g. `"newsletter.example.org"`.
    public var listID: String
    /// `Feedback-ID` for mailbox providers' feedback loops, e.g. `"edition12:send7:rundbrief"`.
    public var feedbackID: String?
    /// `X-Mailer` text; nil leaves the header out.
    public var mailer: String?
    /// More unstructured headers after the others, e.g. `X-Rundbrief-Test: yes` on a test send.
    public var extraHeaders: [(name: String, value: String)] = []

    public init(
        from: Mailbox, replyTo: Mailbox? = nil, listName: String, listID: String,
        feedbackID: String? = nil,
        mailer: String? = "Rundbrief"
    ) {
        self.from = from
        self.replyTo = replyTo
        self.listName = listName
        self.listID = listID
        self.feedbackID = feedbackID
        self.mailer = mailer
    }
}
