public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Talks to the service manager over `$NOTIFY_SOCKET` (sd_notify(3)) without libsystemd: each
/// message is one datagram of newline-separated `KEY=value` assignments.
///
/// Socket paths starting with `@` are abstract-namespace sockets (a leading NUL byte on the wire).
/// Sending never blocks the caller for long and never fails loudly: a daemon must run the same
/// with or without a service manager.
public struct SystemdNotifier: Sendable {
    /// The socket path as systemd gave it.
    public let socketPath: String
    /// Half the watchdog interval, as sd_watchdog_enabled(3) advises, when systemd expects pings.
    public let watchdogInterval: Duration?

    /// Reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC`/`$WATCHDOG_PID`; nil when not started by systemd.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["NOTIFY_SOCKET"], path.count > 1,
            path.hasPrefix("/") || path.hasPrefix("@")
        else { return nil }
        self.socketPath = path
        self.watchdogInterval = Self.watchdogInterval(environment: environment)
    }

    static func watchdogInterval(environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 else {
            return nil
        }
        // The watchdog is meant for the main process only; a child inheriting the variables must not ping.
        if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
        return .microseconds(usec / 2)
    }

    /// Sends one notification such as `READY=1` or `STATUS=…\nWATCHDOG=1`.
    /// - Returns: whether the datagram was handed to the socket.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        // Abstract names are exactly as long as given: the length must not include a trailing NUL.
        let length = MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1)
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(
                    descriptor, payload, payload.count, Int32(MSG_NOSIGNAL), socketAddress,
                    socklen_t(length))
            }
        }
        return sent == payload.count
    }

    /// `READY=1` with a first status.
    public func ready(status: String) {
        notify("READY=1\nSTATUS=\(Self.oneLine(status))\nMAINPID=\(getpid())")
    }

    /// `STATUS=`: what `systemctl status` shows under the unit.
    public func status(_ text: String) {
        notify("STATUS=\(Self.oneLine(text))")
    }

    public func watchdog() {
        notify("WATCHDOG=1")
    }

    public func stopping(status: String = "stopping") {
        notify("STOPPING=1\nSTATUS=\(Self.oneLine(status))")
    }

    /// `RELOADING=1` with the CLOCK_MONOTONIC time systemd needs for `Type=notify-reload`.
    public func reloading() {
        notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())\nSTATUS=reloading")
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// A status is one assignment: a line break would start a new one.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
