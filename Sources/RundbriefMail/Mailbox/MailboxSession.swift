import CCurl

/// One logged-in connection to a mailbox, usable only inside ``MailboxClient/withSession(_:)``
/// and only on the thread that runs it. Every method blocks until the server answered.
public final class MailboxSession {
    private let handle: CurlEasyHandle
    private let response = CurlResponseBuffer()
    private let kind: MailboxProtocol
    private let baseURL: String

    init(configuration: MailboxClient.Configuration) throws(TransportError) {
        kind = try MailboxProtocol(url: configuration.url)
        baseURL = Self.baseURL(configuration.url, kind: kind)
        handle = try CurlEasyHandle()
        try handle.apply(configuration)
        try handle.set(CURLOPT_WRITEDATA, pointer: response.opaque, name: "CURLOPT_WRITEDATA")
        try handle.setWriteFunction(curlBufferWriteCallback)
    }

    /// Every message in the mailbox: IMAP UIDs (`UID SEARCH ALL`) or POP3 message numbers (`LIST`).
    public func messageIDs() throws(TransportError) -> [MailboxMessageID] {
        switch kind {
        case .imap:
            let lines = try command("UID SEARCH ALL", url: baseURL)
            return Self.lines(lines).filter { $0.hasPrefix("* SEARCH") }
                .flatMap { $0.split(separator: " ").dropFirst(2).compactMap { UInt64($0) } }
                .map(MailboxMessageID.init)
        case .pop3:
            let lines = try command(nil, url: baseURL)
            return Self.lines(lines).compactMap { $0.split(separator: " ").first.flatMap { UInt64($0) } }
                .map(MailboxMessageID.init)
        }
    }

    /// The raw bytes of one message (IMAP `UID FETCH … BODY[]`, POP3 `RETR`).
    public func fetch(_ id: MailboxMessageID) throws(TransportError) -> [UInt8] {
        switch kind {
        case .imap: try command(nil, url: "\(baseURL)/;UID=\(id)")
        case .pop3: try command(nil, url: "\(baseURL)/\(id)")
        }
    }

    /// Deletes one message: IMAP `UID STORE +FLAGS (\Deleted)`, then `UID EXPUNGE` of that message
    /// alone (RFC 4315, which nearly every server has); a server without it gets a plain `EXPUNGE`,
    /// which also removes what other clients flagged deleted. POP3 `DELE`, which the server carries
    /// out when the session ends.
    public func delete(_ id: MailboxMessageID) throws(TransportError) {
        switch kind {
        case .imap:
            _ = try command("UID STORE \(id) +FLAGS.SILENT (\\Deleted)", url: baseURL)
            do {
                _ = try command("UID EXPUNGE \(id)", url: baseURL)
            } catch {
                _ = try command("EXPUNGE", url: baseURL)
            }
        case .pop3:
            _ = try command("DELE", url: "\(baseURL)/\(id)", expectsBody: false)
        }
    }

    /// Moves one message to `folder` (IMAP only): `UID MOVE`, or `UID COPY` and delete when the
    /// server lacks RFC 6851.
    /// - Throws: ``TransportError`` (`.mailboxFailed`) for POP3, which has no folders.
    public func move(_ id: MailboxMessageID, to folder: String) throws(TransportError) {
        guard kind == .imap else {
            throw TransportError(.mailboxFailed, "POP3 mailboxes have no folders to move \(id) to")
        }
        let quoted = Self.quoted(folder)
        do {
            _ = try command("UID MOVE \(id) \(quoted)", url: baseURL)
        } catch {
            _ = try command("UID COPY \(id) \(quoted)", url: baseURL)
            try delete(id)
        }
    }

    /// Runs one command and returns what libcurl wrote as the body.
    private func command(_ request: String?, url: String, expectsBody: Bool = true)
        throws(TransportError) -> [UInt8]
    {
        response.bytes.removeAll(keepingCapacity: true)
        try handle.set(CURLOPT_URL, url, name: "CURLOPT_URL")
        try handle.set(CURLOPT_CUSTOMREQUEST, request, name: "CURLOPT_CUSTOMREQUEST")
        try handle.set(CURLOPT_NOBODY, expectsBody ? 0 : 1, name: "CURLOPT_NOBODY")
        let code = handle.perform()
        guard code == CURLE_OK else {
            let verb = request?.split(separator: " ").prefix(2).joined(separator: " ") ?? "fetch"
            throw TransportError(.mailboxFailed, "\(verb): \(handle.failureDescription(code))")
        }
        return response.bytes
    }

    /// An IMAP quoted string: backslashes and double quotes escaped.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }

    private static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
    }

    /// IMAP needs a mailbox to select: `INBOX` unless the URL names one.
    private static func baseURL(_ url: String, kind: MailboxProtocol) -> String {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard kind == .imap else { return trimmed }
        let path = trimmed.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        return path.isEmpty ? "\(trimmed)/INBOX" : trimmed
    }
}
