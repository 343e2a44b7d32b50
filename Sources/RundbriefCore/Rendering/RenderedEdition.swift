/// An edition rendered once, ready to be personalised per recipient.
///
/// The subject and preheader are final; the HTML and text bodies keep per-recipient
/// slots open (`PersonalizedText`), filled when each message is built.
public struct RenderedEdition: Sendable, Equatable {
    /// The Subject header text (not yet RFC 2047 encoded).
    public var subject: String
    /// The preview text shown after the subject in mail clients.
    public var preheader: String
    /// The text/html body with its slots.
    public var html: PersonalizedText
    /// The text/plain body with its slots.
    public var text: PersonalizedText

    public init(subject: String, preheader: String, html: PersonalizedText, text: PersonalizedText) {
        self.subject = subject
        self.preheader = preheader
        self.html = html
        self.text = text
    }
}
