/// An edition rendered once, ready to be personalised per recipient.
///
/// The preheader is final; the subject and the HTML and text bodies keep per-recipient
/// slots and sections open (`PersonalizedText`), filled when each message is built.
public struct RenderedEdition: Sendable, Equatable {
    /// The subject as the editor wrote it (with any `{{name}}` tags; not yet RFC 2047 encoded).
    public var subject: String
    /// The subject with its per-recipient slots: what the Subject header is filled from.
    public var subjectText: PersonalizedText
    /// The preview text shown after the subject in mail clients.
    public var preheader: String
    /// The text/html body with its slots.
    public var html: PersonalizedText
    /// The text/plain body with its slots.
    public var text: PersonalizedText

    /// - Parameter subjectText: the subject's slots; nil for a subject without any (`subject` as it is).
    public init(
        subject: String, subjectText: PersonalizedText? = nil, preheader: String, html: PersonalizedText,
        text: PersonalizedText
    ) {
        self.subject = subject
        self.subjectText = subjectText ?? PersonalizedText(parts: [.literal(subject)])
        self.preheader = preheader
        self.html = html
        self.text = text
    }

    /// Puts `prefix` in front of the subject (test sends: `sender.test_subject_prefix`).
    public mutating func prefixSubject(_ prefix: String) {
        subject = prefix + subject
        subjectText.parts.insert(.literal(prefix), at: 0)
    }
}
