public import RundbriefCore

/// How a test send's message differs from a send's: marked in the subject and a header, and for an
/// address that subscribes to nothing, without the "you are subscribed" sentence and without a token.
public struct TestSendMarking: Sendable {
    /// Put in front of the subject (`sender.test_subject_prefix`).
    public var subjectPrefix: String
    /// The marking header (`sender.test_header`), if any.
    public var header: (name: String, value: String)?
    /// Whether the recipient is a subscriber: only then does the message carry their unsubscribe link.
    public var recipientIsSubscriber: Bool

    public init(subjectPrefix: String, header: (name: String, value: String)?, recipientIsSubscriber: Bool) {
        self.subjectPrefix = subjectPrefix
        self.header = header
        self.recipientIsSubscriber = recipientIsSubscriber
    }

    /// The marking `sender` configures, for a recipient who is (or is not) a subscriber.
    public init(sender: Configuration.SenderSection, recipientIsSubscriber: Bool) {
        self.init(
            subjectPrefix: sender.testSubjectPrefix, header: sender.testHeaderField,
            recipientIsSubscriber: recipientIsSubscriber)
    }
}
