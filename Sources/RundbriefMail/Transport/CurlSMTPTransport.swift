import Foundation

/// Delivers messages over SMTP through libcurl, on dedicated threads with reused connections.
///
/// Each of `concurrency` connections is opened by libcurl (TCP, TLS, login) and kept open across
/// messages; the transactions on it are pipelined when the relay allows (``SMTPConnection``). The
/// connections are shared out among at most ``maximumThreads`` threads, each waiting for all of its
/// connections at once (``SMTPConnectionGroup``): a thread per connection would spend its time
/// switching between threads waiting for replies. `send` queues the message and suspends until a
/// thread has finished the transaction. The threads are real `Thread`s: opening a connection blocks
/// them, and they must never occupy the threads of the Swift concurrency pool.
///
/// Instances share nothing: `rundbrief serve` runs one for the sender (`smtp.concurrency` connections)
/// and one with a single connection for confirmation mails, so those never wait behind a send.
/// Per-domain limits are the sender's (`DomainThrottle`), not the transport's.
public final class CurlSMTPTransport: MailTransport {
    /// The configuration the transport was created with.
    public let configuration: Configuration
    private let queue: BlockingJobQueue<SMTPJob>
    /// Shared by the connections (read while opening and before each transaction) and the groups.
    private let abortFlag = TransferAbortFlag()
    /// One per connection group: wakes its thread.
    private let wakers: [SMTPConnectionGroup.Waker]

    /// At most this many threads drive the connections: composing and signing a message costs more
    /// than waiting for the relay, so more threads than cores only add switches between them.
    static let maximumThreads = 2

    /// Creates the transport and starts its threads; nothing connects until the first message.
    /// - Throws: ``TransportError`` when the configuration is invalid or libcurl rejects an option
    ///   (e.g. an unreadable CA file path is only found on first use, but an unsupported option fails here).
    public init(configuration: Configuration) throws(TransportError) {
        try configuration.validate()
        self.configuration = configuration
        let threads = min(configuration.concurrency, Self.maximumThreads)
        queue = BlockingJobQueue(workers: threads)
        var shares: [[SMTPConnection]] = Array(repeating: [], count: threads)
        for index in 0..<configuration.concurrency {
            shares[index % threads].append(SMTPConnection(configuration: configuration, abort: abortFlag))
        }
        var groups: [SMTPConnectionGroup] = []
        for share in shares {
            groups.append(try SMTPConnectionGroup(connections: share, queue: queue, abort: abortFlag))
        }
        let wakers = groups.map(\.waker)
        self.wakers = wakers
        queue.onSubmit = {
            for waker in wakers { waker.wakeIfWaiting() }
        }
        for (index, group) in groups.enumerated() {
            start(group, index: index)
        }
    }

    private func start(_ group: SMTPConnectionGroup, index: Int) {
        let handOver = GroupHandOver(group: group)
        let thread = Thread {
            SMTPConnectionGroup.run(handOver.group)
        }
        // Linux keeps 15 characters of a thread's name and drops a longer one.
        thread.name = "rundbrief-smtp\(index)"
        thread.start()
    }

    /// Delivers one message; suspends until a worker thread has run the transaction.
    ///
    /// After ``shutdown()`` every call answers `.connectionFailed` without connecting.
    public func send(_ message: OutgoingMessage) async -> SMTPOutcome {
        await withCheckedContinuation { continuation in
            if let refused = queue.submit(.message(message, continuation)) {
                refused.answer(Self.shutDownOutcome)
            }
        }
    }

    /// Queues `work` for the next free connection; a worker thread composes and delivers it.
    public func enqueue(_ work: any TransportWork) {
        if let refused = queue.submit(.work(work)) {
            refused.answer(Self.shutDownOutcome)
        }
    }

    /// Aborts every transaction in progress at once (one being opened within about a second, through
    /// libcurl's transfer-info callback), and every later one: their outcome is a connection failure.
    /// For the shutdown deadline.
    public func abortTransfers() {
        abortFlag.raise()
        for waker in wakers { waker.wake() }
    }

    /// Connects to the relay on a thread of its own (greeting, EHLO, STARTTLS, AUTH; no message), then
    /// closes the connection: whether the relay answers again.
    public func probe() async -> Bool {
        let configuration = self.configuration
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let connection = SMTPConnection(configuration: configuration, abort: TransferAbortFlag())
                continuation.resume(returning: connection.probe())
            }
            thread.name = "rundbrief-smtp-probe"
            thread.start()
        }
    }

    /// Stops the transport: transactions in progress finish, queued messages are answered
    /// `.connectionFailed` (not sent); it returns when every transaction has ended and the connections
    /// were closed with QUIT (without waiting for the replies).
    public func shutdown() async {
        for job in queue.close() {
            job.answer(Self.shutDownOutcome)
        }
        await queue.waitForWorkers()
    }

    deinit {
        // Without this, an instance dropped without `shutdown()` would leave its threads parked forever.
        for job in queue.close() {
            job.answer(Self.shutDownOutcome)
        }
    }

    static let shutDownOutcome = SMTPOutcome(
        classification: .connectionFailed,
        stage: .connect,
        detail: "transport is shut down"
    )
}

/// Moves a connection group, created and checked on the caller's thread, into the thread that alone
/// uses it (its waker aside, which is `Sendable`).
private struct GroupHandOver: @unchecked Sendable {
    // @unchecked: after the hand-over only the new thread touches the group's connections.
    let group: SMTPConnectionGroup
}
