import NIOCore
import Synchronization

/// The server's open connections, shared by all of its channels.
final class ConnectionCount: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection; false when it is one over the limit (it is still counted until
    /// it closes).
    func enter() -> Bool {
        open.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    func leave() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    var current: Int { open.load(ordering: .relaxed) }
}

/// Guards one connection at the socket end of its pipeline: closes it at once when the server
/// already has `http.max_connections` open, and when its first request header has not arrived
/// completely within `http.header_timeout_seconds` (a client trickling bytes cannot keep it).
/// Later requests on a kept-alive connection are bounded by Hummingbird's idle timeout.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let count: ConnectionCount
    private let headerTimeout: TimeAmount
    private var counted = false
    private var deadline: Scheduled<Void>?
    /// The last bytes seen, to find the header's end ("\r\n\r\n") across reads.
    private var tail: [UInt8] = []

    init(count: ConnectionCount, headerTimeout: TimeAmount) {
        self.count = count
        self.headerTimeout = headerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline != nil {
            tail += unwrapInboundIn(data).readableBytesView
            if Self.containsHeaderEnd(tail) {
                deadline?.cancel()
                deadline = nil
                tail = []
            } else {
                tail = Array(tail.suffix(3))
            }
        }
        context.fireChannelRead(data)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        guard count.enter() else {
            context.close(promise: nil)
            return
        }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: headerTimeout) {
            context.close(promise: nil)
        }
    }

    private func stop() {
        deadline?.cancel()
        deadline = nil
        if counted {
            counted = false
            count.leave()
        }
    }

    static func containsHeaderEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return true
        }
        return false
    }
}

/// Puts a `ConnectionGuard` at the socket end of the pipeline: Hummingbird adds extra handlers
/// after its HTTP decoder, where the raw bytes and the header's arrival can no longer be seen.
final class ConnectionGuardInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let makeGuard: () -> ConnectionGuard

    init(count: ConnectionCount, headerTimeout: TimeAmount) {
        makeGuard = { ConnectionGuard(count: count, headerTimeout: headerTimeout) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            try context.pipeline.syncOperations.addHandler(makeGuard(), position: .first)
        } catch {
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}
