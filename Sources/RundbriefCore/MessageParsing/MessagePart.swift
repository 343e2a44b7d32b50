/// One node of a parsed message: a leaf with a decoded body, a multipart with
/// children, or an embedded message (message/rfc822, text/rfc822-headers) whose
/// only child is the embedded message.
public struct MessagePart: Sendable, Equatable {
    /// What the part contains.
    public indirect enum Content: Sendable, Equatable {
        /// A leaf: the body after transfer decoding.
        case body([UInt8])
        /// The parts of a multipart, in order.
        case parts([MessagePart])
        /// An embedded message or header block.
        case message(MessagePart)
    }

    public var headers: MessageHeaders
    public var contentType: ContentType
    public var content: Content

    public init(headers: MessageHeaders, contentType: ContentType, content: Content) {
        self.headers = headers
        self.contentType = contentType
        self.content = content
    }

    /// The decoded body of a leaf; empty for containers.
    public var body: [UInt8] {
        if case .body(let bytes) = content { return bytes }
        return []
    }

    /// The body as text in its declared charset (with the usual fallbacks).
    public var text: String {
        Charset.decode(body, label: contentType.parameters["charset"])
    }

    /// The direct children: the parts of a multipart, or the embedded message.
    public var children: [MessagePart] {
        switch content {
        case .body: []
        case .parts(let parts): parts
        case .message(let message): [message]
        }
    }

    /// The first part, depth first, that satisfies `predicate`; `intoMessages: false`
    /// stays out of embedded messages (a bounce's returned original).
    public func first(intoMessages: Bool = true, where predicate: (MessagePart) -> Bool)
        -> MessagePart?
    {
        if predicate(self) { return self }
        if case .message = content, !intoMessages { return nil }
        for child in children {
            if let found = child.first(intoMessages: intoMessages, where: predicate) { return found }
        }
        return nil
    }

    /// Every part, depth first, including this one.
    public func allParts() -> [MessagePart] {
        var result: [MessagePart] = []
        collect(into: &result)
        return result
    }

    private func collect(into result: inout [MessagePart]) {
        result.append(self)
        for child in children { child.collect(into: &result) }
    }
}
