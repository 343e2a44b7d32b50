import CCurl

/// One SMTP connection: a libcurl easy handle configured once and reused for every message its
/// connection group (``SMTPConnectionGroup``) runs on it.
final class SMTPConnectionWorker {
    private let handle: CurlEasyHandle
    private let state = SMTPTransferState()
    /// The recipient list the handle points at (libcurl does not copy lists).
    private var recipients: CurlStringList?
    /// `rundbrief_smtp_replies_total`, made when the connection's worker starts.
    private let replies = SMTPMetrics.ReplyCounters()

    /// Raised when the transport's transfers must end now (the daemon's shutdown deadline).
    private let abort: TransferAbortFlag

    init(configuration: CurlSMTPTransport.Configuration, abort: TransferAbortFlag) throws(TransportError) {
        handle = try CurlEasyHandle()
        self.abort = abort
        try configure(with: configuration)
        try handle.setAbortFlag(abort)
    }

    private func configure(with configuration: CurlSMTPTransport.Configuration) throws(TransportError) {
        try handle.set(CURLOPT_URL, configuration.effectiveURL, name: "CURLOPT_URL")
        try handle.apply(configuration.session)
        try handle.set(CURLOPT_UPLOAD, 1, name: "CURLOPT_UPLOAD")
        try handle.set(CURLOPT_READDATA, pointer: state.opaque, name: "CURLOPT_READDATA")
        try handle.setReadFunction(smtpReadCallback)
        // VERBOSE only turns the debug callback on; it writes nothing itself while a callback is set.
        try handle.set(CURLOPT_DEBUGDATA, pointer: state.opaque, name: "CURLOPT_DEBUGDATA")
        try handle.setDebugFunction(smtpDebugCallback)
        try handle.set(CURLOPT_VERBOSE, 1, name: "CURLOPT_VERBOSE")
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1, name: "CURLOPT_TCP_KEEPALIVE")
    }

    /// Connects and logs in without sending anything (CURLOPT_CONNECT_ONLY): whether the relay answers.
    func probe() -> Bool {
        guard (try? handle.set(CURLOPT_CONNECT_ONLY, 1, name: "CURLOPT_CONNECT_ONLY")) != nil else { return false }
        return handle.perform() == CURLE_OK
    }

    /// The easy handle, for the connection group's multi handle.
    var easyHandle: UnsafeMutableRawPointer { handle.raw }

    /// Prepares the handle for one SMTP transaction of `message`; the caller then runs the transfer
    /// (in its connection group's multi handle) and passes its result to ``end(_:)``.
    /// - Returns: the outcome when the transaction cannot start (a refused option), else `nil`.
    func begin(_ message: OutgoingMessage) -> SMTPOutcome? {
        let recipients = CurlStringList(["<\(message.recipient)>"])
        do {
            // A refused envelope must stop the message: libcurl would keep the previous message's.
            try handle.set(CURLOPT_MAIL_FROM, "<\(message.envelopeFrom)>", name: "CURLOPT_MAIL_FROM")
            try handle.setList(CURLOPT_MAIL_RCPT, recipients.raw, name: "CURLOPT_MAIL_RCPT")
            // libcurl keeps the list's pointer: it must live until the next message replaces it.
            self.recipients = recipients
            try handle.setUploadSize(message.data.count)
        } catch {
            // Nothing was sent; like a relay refusing MAIL FROM, it says nothing about the recipient.
            return SMTPOutcome(classification: .connectionFailed, stage: .mailFrom, detail: error.reason)
        }
        handle.clearError()
        state.startTransaction(with: message.data)
        return nil
    }

    /// The outcome of the transfer ``begin(_:)`` prepared, and whether it may be retried once: a reused
    /// connection that turned out to be dead before the relay answered anything (nothing can have been
    /// delivered then).
    func end(_ code: CURLcode) -> (outcome: SMTPOutcome, retryable: Bool) {
        state.endTransaction()
        return outcome(for: code)
    }

    /// Counts the final outcome of a message in `rundbrief_smtp_replies_total`.
    func count(_ outcome: SMTPOutcome) {
        replies.record(outcome.reply)
    }

    private func outcome(for code: CURLcode) -> (outcome: SMTPOutcome, retryable: Bool) {
        let transcript = state.transcript
        let reply = transcript.lastReply
        if code == CURLE_ABORTED_BY_CALLBACK {
            // Cut off by the shutdown deadline: the relay may or may not have taken the message.
            return (
                SMTPOutcome(classification: .connectionFailed, stage: transcript.stage, detail: Self.aborted), false
            )
        }
        guard code != CURLE_OK else {
            return (
                SMTPOutcome(classification: .delivered, stage: .endOfData, reply: reply),
                false
            )
        }
        let stage = Self.stage(for: code, transcript: transcript)
        let outcome = SMTPOutcome(
            classification: .forFailure(at: stage, reply: reply),
            stage: stage,
            reply: reply,
            detail: handle.failureDescription(code)
        )
        let reusedDeadConnection =
            reply == nil && handle.infoLong(CURLINFO_NUM_CONNECTS) == 0
            && (stage == .connect || stage == .mailFrom)
        return (outcome, reusedDeadConnection)
    }

    static let aborted = "transaction aborted: the daemon is shutting down"

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

/// What waits for a worker: a message with the task awaiting its outcome, or bulk work that
/// composes its message and takes its outcome on the worker's thread.
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

/// A flag libcurl's transfer-info callback reads on every worker thread of a transport: once raised,
/// every transfer in progress or started later ends with `CURLE_ABORTED_BY_CALLBACK` within a second.
final class TransferAbortFlag: @unchecked Sendable {
    // @unchecked: the int is only touched through the C shim's atomic load and store.
    let pointer: UnsafeMutablePointer<Int32>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    func raise() { ccurl_abort_flag_raise(pointer) }

    deinit { pointer.deallocate() }
}
