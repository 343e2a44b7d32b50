import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// One SMTP connection: libcurl opens it (TCP, greeting, EHLO, STARTTLS, AUTH, via
/// `CURLOPT_CONNECT_ONLY`), and the connection runs the mail transactions itself over libcurl's
/// `curl_easy_send`/`curl_easy_recv`, without blocking, for its ``SMTPConnectionGroup``.
///
/// Why not libcurl's SMTP transfers: libcurl sends `MAIL`, `RCPT` and `DATA` one at a time, waiting
/// for each reply, and after the message's final `.` it waits for the relay's reply in a blocking
/// loop even inside a multi handle (`smtp_done` → `smtp_block_statemach` in 7.88), so one thread's
/// connections stood still while each of them waited for its end-of-data reply. Here a transaction
/// is two round trips when the relay offers PIPELINING (RFC 2920: `MAIL`, `RCPT` and `DATA` in one
/// write, then the message and `.`), and every wait is one `poll` for all connections of the group.
/// libcurl keeps what it is good at: resolving, connecting, TLS and its verification, and login.
///
/// Owned and used by one thread (its group's).
final class SMTPConnection {
    /// What a call on the connection led to.
    enum Event {
        /// The transaction goes on; wait for the socket.
        case pending
        /// The transaction ended. `retryable`: a reused connection turned out to be dead before the
        /// relay answered anything, so nothing can have been delivered and the message may go again
        /// on a new connection.
        case finished(SMTPOutcome, retryable: Bool)
    }

    /// The replies a transaction waits for, in order.
    private enum Step {
        case reset, mailFrom, rcptTo, data, endOfData
        /// The `.` that ends a DATA the relay accepted although it refused the envelope.
        case strayEnd

        var stage: SMTPStage {
            switch self {
            case .reset, .mailFrom: .mailFrom
            case .rcptTo: .rcptTo
            case .data: .data
            case .endOfData, .strayEnd: .endOfData
            }
        }
    }

    private let configuration: CurlSMTPTransport.Configuration
    private let abort: TransferAbortFlag
    private var handle: CurlEasyHandle?
    private let transcript = SMTPTranscript()
    /// `rundbrief_smtp_replies_total`, made when the connection is created.
    private let replies = SMTPMetrics.ReplyCounters()

    /// The open connection's socket, -1 when closed.
    private(set) var socket: Int32 = -1
    private var extensions = SMTPExtensions()
    /// Transactions begun on the open connection; a dead connection is only worth one retry when reused.
    private var transactions = 0
    /// After a transaction that did not end in delivery the relay may still hold its envelope.
    private var needsReset = false
    private var reader = SMTPReplyReader()
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 1)

    // The transaction in progress.
    private(set) var inTransaction = false
    private var message: [UInt8] = []
    private var steps: [Step] = []
    private var nextStep = 0
    /// Commands still to send one by one (a relay without PIPELINING), with the reply each awaits.
    private var unsent: [(step: Step, line: [UInt8])] = []
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var failure: SMTPOutcome?
    private var repliesInTransaction = 0
    /// After a 421 the relay closes the connection: nothing more is sent on it.
    private var relayClosing = false
    /// When the transaction in progress has taken too long (the configuration's `timeout`).
    private(set) var deadline: ContinuousClock.Instant?

    init(configuration: CurlSMTPTransport.Configuration, abort: TransferAbortFlag) {
        self.configuration = configuration
        self.abort = abort
    }

    deinit {
        scratch.deallocate()
    }

    var isOpen: Bool { socket >= 0 }

    /// Whether bytes wait to be written (the group polls for POLLOUT then).
    var wantsWrite: Bool { outputOffset < output.count }

    // MARK: - Opening

    /// Opens the connection through libcurl, blocking the calling thread until the relay has
    /// greeted, answered EHLO and, as configured, STARTTLS and AUTH (bounded by the configuration's
    /// timeouts and the abort flag).
    /// - Returns: the outcome when the relay cannot be used, else `nil`.
    func open() -> SMTPOutcome? {
        close(quit: false)
        transcript.reset()
        let handle: CurlEasyHandle
        do {
            handle = try makeHandle()
        } catch {
            return SMTPOutcome(classification: .connectionFailed, stage: .connect, detail: error.reason)
        }
        let code = handle.perform()
        if code == CURLE_ABORTED_BY_CALLBACK {
            return SMTPOutcome(classification: .connectionFailed, stage: transcript.stage, detail: Self.aborted)
        }
        guard code == CURLE_OK else {
            let stage = Self.stage(for: code, transcript: transcript)
            let reply = transcript.lastReply
            return SMTPOutcome(
                classification: .forFailure(at: stage, reply: reply), stage: stage, reply: reply,
                detail: handle.failureDescription(code))
        }
        var socket: curl_socket_t = -1
        guard ccurl_easy_getinfo_socket(handle.raw, &socket) == CURLE_OK, socket >= 0 else {
            return SMTPOutcome(
                classification: .connectionFailed, stage: .connect, detail: "libcurl gave no socket for the connection")
        }
        // The debug callback only served the opening; TLS records would otherwise still reach it.
        try? handle.set(CURLOPT_VERBOSE, 0, name: "CURLOPT_VERBOSE")
        self.handle = handle
        self.socket = socket
        extensions = transcript.extensions
        transactions = 0
        needsReset = false
        relayClosing = false
        reader = SMTPReplyReader()
        return nil
    }

    private func makeHandle() throws(TransportError) -> CurlEasyHandle {
        let handle = try CurlEasyHandle()
        try handle.set(CURLOPT_URL, configuration.effectiveURL, name: "CURLOPT_URL")
        try handle.apply(configuration.session)
        try handle.set(CURLOPT_CONNECT_ONLY, 1, name: "CURLOPT_CONNECT_ONLY")
        // VERBOSE only turns the debug callback on; it writes nothing itself while a callback is set.
        try handle.set(
            CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(transcript).toOpaque(), name: "CURLOPT_DEBUGDATA")
        try handle.setDebugFunction(smtpDebugCallback)
        try handle.set(CURLOPT_VERBOSE, 1, name: "CURLOPT_VERBOSE")
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1, name: "CURLOPT_TCP_KEEPALIVE")
        try handle.setAbortFlag(abort)
        return handle
    }

    /// Opens a connection and closes it again: whether the relay answers (for resuming a paused send).
    func probe() -> Bool {
        defer { close(quit: true) }
        return open() == nil
    }

    /// Closes the connection: with `quit`, says QUIT first without waiting for the reply (and only
    /// between transactions). libcurl closes a CONNECT_ONLY connection without a word of its own.
    func close(quit: Bool) {
        if quit, isOpen, !inTransaction, !relayClosing {
            output = Self.quit
            outputOffset = 0
            _ = flush()
        }
        handle = nil
        socket = -1
        endTransaction()
    }

    // MARK: - A transaction

    /// Starts the transaction of `message` on the open connection.
    func begin(_ message: OutgoingMessage) -> Event {
        precondition(isOpen && !inTransaction, "a transaction needs an open, idle connection")
        if abort.isRaised {
            return .finished(
                SMTPOutcome(classification: .connectionFailed, stage: .mailFrom, detail: Self.aborted), retryable: false
            )
        }
        if let refused = Self.refusal(of: message, extensions: extensions) {
            return .finished(refused, retryable: false)
        }
        inTransaction = true
        transactions += 1
        self.message = message.data
        failure = nil
        repliesInTransaction = 0
        deadline = .now + configuration.session.timeout
        steps.removeAll(keepingCapacity: true)
        nextStep = 0
        unsent.removeAll(keepingCapacity: true)
        var commands: [(step: Step, line: [UInt8])] = []
        if needsReset { commands.append((.reset, Self.rset)) }
        commands.append((.mailFrom, mailFromLine(message)))
        commands.append((.rcptTo, Array("RCPT TO:<\(message.recipient)>\r\n".utf8)))
        commands.append((.data, Self.dataCommand))
        output.removeAll(keepingCapacity: true)
        outputOffset = 0
        if extensions.pipelining {
            for command in commands {
                steps.append(command.step)
                output.append(contentsOf: command.line)
            }
        } else {
            steps.append(commands[0].step)
            output.append(contentsOf: commands[0].line)
            unsent = Array(commands.dropFirst())
        }
        guard flush() else { return connectionLost("could not send to the relay") }
        return .pending
    }

    private func mailFromLine(_ message: OutgoingMessage) -> [UInt8] {
        var line = "MAIL FROM:<\(message.envelopeFrom)>"
        if extensions.size { line += " SIZE=\(message.data.count)" }
        if extensions.eightBitMIME && Self.hasEightBitBytes(message.data) { line += " BODY=8BITMIME" }
        if extensions.smtpUTF8
            && (!message.envelopeFrom.utf8.allSatisfy { $0 < 0x80 } || !message.recipient.utf8.allSatisfy { $0 < 0x80 })
        {
            line += " SMTPUTF8"
        }
        line += "\r\n"
        return Array(line.utf8)
    }

    /// Whether any byte has its high bit set, eight bytes at a time (a byte-wise closure took 5 % of
    /// a send's CPU time on an 18 kB message).
    static func hasEightBitBytes(_ data: [UInt8]) -> Bool {
        data.withUnsafeBytes { bytes in
            var index = 0
            while index + 8 <= bytes.count {
                if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                    return true
                }
                index += 8
            }
            while index < bytes.count {
                if bytes[index] >= 0x80 { return true }
                index += 1
            }
            return false
        }
    }

    /// Writes what the socket takes now and reads every reply that has arrived.
    func pump(readable: Bool) -> Event {
        guard isOpen else { return .pending }
        if wantsWrite, !flush() {
            return connectionLost("could not send to the relay")
        }
        guard readable else { return .pending }
        while true {
            var received = 0
            let code = curl_easy_recv(handle?.raw, scratch.baseAddress, scratch.count, &received)
            if code == CURLE_AGAIN { break }
            guard code == CURLE_OK, received > 0 else {
                if !inTransaction {
                    close(quit: false)
                    return .pending
                }
                return connectionLost(code == CURLE_OK ? "the relay closed the connection" : Self.describe(code))
            }
            reader.append(UnsafeRawBufferPointer(rebasing: scratch[..<received]))
            if received < scratch.count { break }
        }
        while let lines = reader.nextReply() {
            if case .finished(let outcome, let retryable) = take(lines) {
                return .finished(outcome, retryable: retryable)
            }
            guard isOpen else { return .pending }
        }
        return .pending
    }

    /// Ends the transaction in progress when its time is up.
    func checkDeadline(_ now: ContinuousClock.Instant) -> Event {
        guard inTransaction, let deadline, now >= deadline else { return .pending }
        return connectionLost("no reply from the relay within \(configuration.session.timeout)")
    }

    /// Cuts the transaction in progress off (the daemon's shutdown deadline): the relay may or may
    /// not have taken the message.
    func abortTransaction() -> Event {
        guard inTransaction else { return .pending }
        let stage = currentStage
        close(quit: false)
        return .finished(
            SMTPOutcome(classification: .connectionFailed, stage: stage, detail: Self.aborted), retryable: false)
    }

    /// Counts the final outcome of a message in `rundbrief_smtp_replies_total`.
    func count(_ outcome: SMTPOutcome) {
        replies.record(outcome.reply)
    }

    // MARK: - Replies

    private func take(_ lines: [[UInt8]]) -> Event {
        guard inTransaction, nextStep < steps.count else {
            // Unasked (a 421 before closing an idle connection, or noise): the connection is done.
            close(quit: false)
            return .pending
        }
        let step = steps[nextStep]
        nextStep += 1
        repliesInTransaction += 1
        let code = SMTPReplyReader.code(lines)
        if code == 421 { relayClosing = true }
        let positive = code / 100 == 2
        switch step {
        case .reset, .mailFrom, .rcptTo:
            if !positive && failure == nil { failure = Self.failure(at: step.stage, lines) }
            if !extensions.pipelining {
                if failure == nil, !unsent.isEmpty {
                    let command = unsent.removeFirst()
                    steps.append(command.step)
                    output.append(contentsOf: command.line)
                } else {
                    unsent.removeAll()
                }
            }
        case .data:
            if code == 354 {
                if failure == nil {
                    appendMessage()
                    steps.append(.endOfData)
                } else {
                    // RFC 2920 §3.1: a relay that refused the envelope must refuse DATA; one that did
                    // not gets an empty message it cannot deliver to anyone.
                    output.append(contentsOf: Self.endOfData)
                    steps.append(.strayEnd)
                }
            } else if failure == nil {
                failure = Self.failure(at: .data, lines)
            }
        case .endOfData:
            if positive {
                failure = nil
                return finish(
                    SMTPOutcome(classification: .delivered, stage: .endOfData, reply: SMTPReplyReader.reply(lines)))
            }
            failure = Self.failure(at: .endOfData, lines)
        case .strayEnd:
            break
        }
        if nextStep == steps.count {
            return finish(failure ?? Self.failure(at: step.stage, lines))
        }
        if relayClosing {
            return finish(failure ?? Self.failure(at: step.stage, lines))
        }
        if wantsWrite, !flush() {
            return connectionLost("could not send to the relay")
        }
        return .pending
    }

    private func finish(_ outcome: SMTPOutcome) -> Event {
        needsReset = !outcome.isDelivered
        endTransaction()
        if relayClosing { close(quit: false) }
        return .finished(outcome, retryable: false)
    }

    private func endTransaction() {
        inTransaction = false
        message = []
        deadline = nil
        steps.removeAll(keepingCapacity: true)
        nextStep = 0
        unsent.removeAll()
        output.removeAll(keepingCapacity: true)
        outputOffset = 0
    }

    /// The stage of the reply awaited next.
    private var currentStage: SMTPStage {
        nextStep < steps.count ? steps[nextStep].stage : (steps.last?.stage ?? .mailFrom)
    }

    /// Ends the transaction because the connection failed; the connection is closed.
    private func connectionLost(_ detail: String) -> Event {
        let stage = currentStage
        let reused = transactions > 1
        let retryable = reused && repliesInTransaction == 0 && failure == nil
        let outcome =
            failure ?? SMTPOutcome(classification: .forFailure(at: stage, reply: nil), stage: stage, detail: detail)
        close(quit: false)
        return .finished(outcome, retryable: retryable)
    }

    private static func failure(at stage: SMTPStage, _ lines: [[UInt8]]) -> SMTPOutcome {
        let reply = SMTPReplyReader.reply(lines)
        return SMTPOutcome(classification: .forFailure(at: stage, reply: reply), stage: stage, reply: reply)
    }

    // MARK: - Writing

    /// Appends the message, dot-stuffed (RFC 5321 §4.5.2: a line starting with `.` gets another),
    /// and the end-of-data line.
    private func appendMessage() {
        output.reserveCapacity(output.count + message.count + 64)
        message.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            var start = 0
            if base[0] == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            while start < bytes.count {
                let rest = bytes.count - start
                guard let found = memchr(base + start, 0x0A, rest) else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
                    break
                }
                let lineEnd = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base + 1
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
                if lineEnd < bytes.count && base[lineEnd] == UInt8(ascii: ".") {
                    output.append(UInt8(ascii: "."))
                }
                start = lineEnd
            }
        }
        if !(message.count >= 2 && message[message.count - 2] == 0x0D && message[message.count - 1] == 0x0A)
            && !message.isEmpty
        {
            output.append(contentsOf: Self.crlf)
        }
        output.append(contentsOf: Self.endOfData)
    }

    /// Writes as much of `output` as the socket takes.
    /// - Returns: `false` when the connection failed.
    private func flush() -> Bool {
        guard let raw = handle?.raw else { return false }
        while outputOffset < output.count {
            var sent = 0
            let code = output.withUnsafeBytes { bytes in
                curl_easy_send(raw, bytes.baseAddress! + outputOffset, bytes.count - outputOffset, &sent)
            }
            if code == CURLE_AGAIN { return true }
            guard code == CURLE_OK else { return false }
            outputOffset += sent
        }
        output.removeAll(keepingCapacity: true)
        outputOffset = 0
        return true
    }

    // MARK: - Refusals before sending

    /// A message whose envelope cannot be written as SMTP commands never reaches the relay: an
    /// address with a line break or angle bracket would end the command and start another one.
    static func refusal(of message: OutgoingMessage, extensions: SMTPExtensions) -> SMTPOutcome? {
        if let problem = problem(with: message.envelopeFrom, allowEmpty: true, extensions: extensions) {
            // Refuses every message alike, so it says nothing about the recipient.
            return SMTPOutcome(
                classification: .connectionFailed, stage: .mailFrom, detail: "envelope sender \(problem)")
        }
        if let problem = problem(with: message.recipient, allowEmpty: false, extensions: extensions) {
            return SMTPOutcome(classification: .permanent, stage: .rcptTo, detail: "recipient address \(problem)")
        }
        return nil
    }

    private static func problem(with address: String, allowEmpty: Bool, extensions: SMTPExtensions) -> String? {
        let bytes = address.utf8
        if bytes.isEmpty { return allowEmpty ? nil : "is empty" }
        // RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets.
        if bytes.count > 254 { return "is longer than SMTP allows (\(bytes.count) bytes)" }
        if bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            return "contains a space, control character or angle bracket"
        }
        if !extensions.smtpUTF8 && bytes.contains(where: { $0 >= 0x80 }) {
            return "is not ASCII and the relay does not offer SMTPUTF8"
        }
        return nil
    }

    // MARK: - Constants

    static let aborted = "transaction aborted: the daemon is shutting down"
    private static let rset = Array("RSET\r\n".utf8)
    private static let dataCommand = Array("DATA\r\n".utf8)
    private static let quit = Array("QUIT\r\n".utf8)
    private static let crlf = Array("\r\n".utf8)
    private static let endOfData = Array(".\r\n".utf8)

    private static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// libcurl's own codes pin down failures the dialogue cannot show (a TLS handshake has no reply).
    private static func stage(for code: CURLcode, transcript: SMTPTranscript) -> SMTPStage {
        switch code {
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_USE_SSL_FAILED, CURLE_SSL_ISSUER_ERROR:
            return .tls
        case CURLE_LOGIN_DENIED:
            return .auth
        default:
            return transcript.stage
        }
    }
}

/// CURLOPT_DEBUGFUNCTION capturing the opening's dialogue; `userdata` is an ``SMTPTranscript``.
/// Nothing reaches stderr: with a debug function set, CURLOPT_VERBOSE output goes only here.
let smtpDebugCallback: curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let transcript = Unmanaged<SMTPTranscript>.fromOpaque(userdata).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    switch type {
    case CURLINFO_HEADER_IN: transcript.replyReceived(bytes)
    case CURLINFO_HEADER_OUT: transcript.commandSent(bytes)
    default: break
    }
    return 0
}

/// What waits for a connection: a message with the task awaiting its outcome, or bulk work that
/// composes its message and takes its outcome on the connection group's thread.
enum SMTPJob: Sendable {
    case message(OutgoingMessage, CheckedContinuation<SMTPOutcome, Never>)
    case work(any TransportWork)

    /// Answers a job that will not run.
    func answer(_ outcome: SMTPOutcome) {
        switch self {
        case .message(_, let continuation): continuation.resume(returning: outcome)
        case .work(let work): work.finished(outcome)
        }
    }
}

/// A flag every connection of a transport reads: once raised, every transaction in progress ends
/// within a second (libcurl's transfer-info callback while opening, the group's poll otherwise) and
/// every later one at once, as a connection failure.
final class TransferAbortFlag: @unchecked Sendable {
    // @unchecked: the int is only touched through the C shim's atomic load and store.
    let pointer: UnsafeMutablePointer<Int32>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    func raise() { ccurl_abort_flag_raise(pointer) }

    var isRaised: Bool { ccurl_abort_flag_is_raised(pointer) != 0 }

    deinit { pointer.deallocate() }
}
