/// One subscriber as a message needs them: where it goes and what fills its slots.
public struct Recipient: Sendable {
    /// The address for `To` and the `email` slot.
    public var address: String
    /// The display name for `To` and the `name` slot (may be empty).
    public var name: String
    /// Values for `attribute(key)` slots; a missing key fills in as empty text.
    public var attributes: [String: String]
    /// The https one-click unsubscribe URL (`List-Unsubscribe`, the `unsubscribeURL` slot).
    public var unsubscribeURL: String
    /// The `mailto:` unsubscribe URL for `List-Unsubscribe`; empty leaves it out.
    public var unsubscribeMailto: String
    /// The deterministic Message-ID of this delivery.
    public var messageID: MessageID

    public init(
        address: String, name: String, attributes: [String: String] = [:], unsubscribeURL: String,
        unsubscribeMailto: String = "", messageID: MessageID
    ) {
        self.address = address
        self.name = name
        self.attributes = attributes
        self.unsubscribeURL = unsubscribeURL
        self.unsubscribeMailto = unsubscribeMailto
        self.messageID = messageID
    }

    /// The value that fills `slot` for this recipient; the address shows its domain in Unicode.
    public func value(for slot: Slot) -> String {
        switch slot {
        case .name: name
        case .email: DisplayText.address(address)
        case .unsubscribeURL: unsubscribeURL
        case .attribute(let key): attributes[key] ?? ""
        }
    }
}
