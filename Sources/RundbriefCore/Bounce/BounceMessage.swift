/// The pieces of a parsed message the bounce logic looks at: the top headers, the
/// human-readable text (before any returned original), and the original's headers.
struct BounceMessage {
    let root: MessagePart
    let headers: MessageHeaders
    /// The human-readable lines, without the returned original.
    let humanLines: [ArraySlice<UInt8>]
    /// The human-readable lines joined, for phrase checks.
    let humanText: [UInt8]
    /// `humanText` lower-cased beyond ASCII when it has other letters, for phrase checks.
    let foldedText: [UInt8]
    /// The returned or reported original's headers, attached or pasted inline.
    let originalHeaders: MessageHeaders?
    let subject: String

    init(root: MessagePart) {
        self.root = root
        headers = root.headers
        subject = root.headers.decoded("Subject") ?? ""
        let text = Self.humanText(root)
        let (human, inline) = BounceTextScanner.split(Array(text.utf8))
        humanLines = human
        humanText = Array(human.joined(separator: [ByteText.lf]))
        foldedText = BouncePhrases.folded(humanText)
        originalHeaders = Self.attachedOriginal(root) ?? Self.inlineOriginal(inline)
    }

    /// The first text/plain part outside embedded messages, else the first HTML part as text.
    private static func humanText(_ root: MessagePart) -> String {
        let isLeaf: (MessagePart) -> Bool = { if case .body = $0.content { true } else { false } }
        if let plain = root.first(
            intoMessages: false, where: { isLeaf($0) && $0.contentType.mimeType == "text/plain" })
        {
            return plain.text
        }
        if let html = root.first(
            intoMessages: false, where: { isLeaf($0) && $0.contentType.mimeType == "text/html" })
        {
            return HTMLText.text(html.text)
        }
        // A multipart whose boundary never showed up is text too.
        let textual = root.first(intoMessages: false) {
            isLeaf($0) && ($0.contentType.type == "text" || $0.contentType.type == "multipart")
        }
        return textual?.text ?? ""
    }

    private static func attachedOriginal(_ root: MessagePart) -> MessageHeaders? {
        let embedded = root.first(intoMessages: false) { part in
            if case .message = part.content { return true }
            return false
        }
        guard let message = embedded?.children.first, !message.headers.fields.isEmpty else {
            return nil
        }
        return message.headers
    }

    private static func inlineOriginal(_ lines: [ArraySlice<UInt8>]) -> MessageHeaders? {
        guard let start = lines.firstIndex(where: { Self.looksLikeHeader(ByteText.trimmed($0)) }) else {
            return nil
        }
        var bytes: [UInt8] = []
        for line in lines[start...].prefix(400) {
            // Some NDRs indent the pasted original; header parsing needs the names at column 0.
            bytes.append(
                contentsOf: Self.looksLikeHeader(ByteText.trimmed(line)) ? ByteText.trimmed(line) : line)
            bytes.append(ByteText.lf)
        }
        let (headers, _) = MessageHeaders.parse(bytes[...], maxFields: 200)
        return headers.fields.isEmpty ? nil : headers
    }

    private static func looksLikeHeader(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
            colon - line.startIndex < 40
        else {
            return false
        }
        return line[line.startIndex..<colon].allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45
        }
    }

    /// A mailing list's own addresses, in the bounce (a list reporting an error) or the original.
    private static let listHeaders = [
        "List-Post", "List-Owner", "List-Help", "List-Subscribe", "List-Unsubscribe", "X-BeenThere",
        "X-Mailing-List", "X-ML-Address",
    ]

    /// Addresses that are never the failed recipient: the bounce's own sender, receiver and
    /// Reply-To, a mailing list's addresses, and the original's sender.
    var excludedAddresses: Set<String> {
        var result: Set<String> = []
        // Not X-Original-To: DragonFly's dma writes the failed recipient there.
        for name in [
            "From", "Sender", "To", "Reply-To", "Return-Path", "Delivered-To", "Envelope-To", "Errors-To",
        ] + Self.listHeaders {
            for value in headers.all(name) {
                EmailAddressScanner.addresses(in: value).forEach { result.insert($0.lowercased()) }
            }
        }
        for name in ["From", "Sender", "Reply-To", "Return-Path", "Errors-To", DeliveryIDLocator.headerName]
            + Self.listHeaders
        {
            for value in originalHeaders?.all(name) ?? [] {
                EmailAddressScanner.addresses(in: value).forEach { result.insert($0.lowercased()) }
            }
        }
        return result
    }
}
