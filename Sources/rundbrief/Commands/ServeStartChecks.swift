import Foundation
import RundbriefCore
import RundbriefDaemon
import RundbriefMail

#if canImport(Glibc)
    import Glibc
#endif

/// What `rundbrief serve` settles before it starts anything: the one-daemon-per-database lock and a
/// free HTTP port, each failing with one clear line instead of a half-started daemon.
enum ServeStartChecks {
    /// Takes the daemon lock beside the database.
    /// - Throws: `CommandFailure` (exit 75, EX_TEMPFAIL) naming the running daemon's PID.
    static func lock(_ config: Configuration) throws -> DaemonLock {
        do {
            return try DaemonLock(databasePath: config.database.path)
        } catch .held(let path, let pid) {
            throw CommandFailure(DaemonLock.Failure.held(path: path, pid: pid).description, exitCode: 75)
        } catch {
            throw CommandFailure(error.description, exitCode: 73)  // EX_CANTCREAT
        }
    }

    /// Fails when another program already listens on `http.listen` (port 0 always works).
    /// - Throws: `CommandFailure` (exit 69, EX_UNAVAILABLE).
    static func portFree(host: String, port: Int) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return }
        defer { freeaddrinfo(result) }
        let probe = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard probe >= 0 else { return }
        defer { close(probe) }
        var yes: Int32 = 1
        setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(probe, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 else { return }
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let reason =
            errno == EADDRINUSE
            ? "is already in use (another program listens there); stop it or change http.listen"
            : "cannot be used: \(String(cString: strerror(errno))); check http.listen"
        throw CommandFailure("http.listen \(shown) \(reason)", exitCode: 69)
    }
}
