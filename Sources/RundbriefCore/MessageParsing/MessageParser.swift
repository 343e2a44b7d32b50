/// A tolerant RFC 5322/MIME reader.
///
/// It never fails: whatever the input, it returns the best structure it can see.
/// Hostile input is bounded by `Limits` (nesting depth, number of parts, size),
/// and every step is linear in the bytes it looks at.
public struct MessageParser: Sendable {
    /// Bounds that keep a hostile message from exploding the parse.
    public struct Limits: Sendable {
        /// Bytes read; the rest of a longer message is ignored.
        public var maxBytes: Int
        /// Nesting of multiparts and embedded messages.
        public var maxDepth: Int
        /// Parts in the whole message.
        public var maxParts: Int
        /// Header fields kept per header block.
        public var maxHeaderFields: Int

        public init(
            maxBytes: Int = 16 << 20, maxDepth: Int = 12, maxParts: Int = 500, maxHeaderFields: Int = 1000
        ) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxParts = maxParts
            self.maxHeaderFields = maxHeaderFields
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses a whole message.
    public func parse(_ message: [UInt8]) -> MessagePart {
        var budget = limits.maxParts
        let bytes = message.count > limits.maxBytes ? message[0..<limits.maxBytes] : message[...]
        return parseEntity(bytes, depth: 0, budget: &budget, defaultType: .plainText)
    }

    private func parseEntity(
        _ bytes: ArraySlice<UInt8>, depth: Int, budget: inout Int, defaultType: ContentType
    ) -> MessagePart {
        budget -= 1
        let (headers, bodyStart) = MessageHeaders.parse(bytes, maxFields: limits.maxHeaderFields)
        let contentType =
            headers["Content-Type"].map { ContentType(parsing: $0, fallback: defaultType) } ?? defaultType
        let body = bytes[bodyStart...]
        let content = self.content(
            of: body, type: contentType, headers: headers, depth: depth, budget: &budget)
        return MessagePart(headers: headers, contentType: contentType, content: content)
    }

    private func content(
        of body: ArraySlice<UInt8>, type: ContentType, headers: MessageHeaders, depth: Int,
        budget: inout Int
    ) -> MessagePart.Content {
        let encoding = headers["Content-Transfer-Encoding"]?.trimmingBlanks()
        guard depth < limits.maxDepth, budget > 0 else {
            return .body(TransferEncoding.decode(body, encoding: encoding))
        }
        switch (type.type, type.subtype) {
        case ("multipart", _):
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty,
                let parts = MultipartSplitter.split(body, boundary: boundary)
            else {
                return .body(TransferEncoding.decode(body, encoding: encoding))
            }
            let childType: ContentType = type.subtype == "digest" ? .embeddedMessage : .plainText
            var children: [MessagePart] = []
            for part in parts where budget > 0 {
                children.append(
                    parseEntity(part, depth: depth + 1, budget: &budget, defaultType: childType))
            }
            return .parts(children)
        case ("message", "rfc822"), ("message", "global"), ("message", "rfc822-headers"),
            ("text", "rfc822-headers"):
            let decoded = TransferEncoding.decode(body, encoding: encoding)
            // Some servers put a blank line before the embedded headers.
            let start = decoded.firstIndex { $0 != ByteText.cr && $0 != ByteText.lf } ?? decoded.endIndex
            return .message(
                parseEntity(decoded[start...], depth: depth + 1, budget: &budget, defaultType: .plainText))
        default:
            return .body(TransferEncoding.decode(body, encoding: encoding))
        }
    }
}
