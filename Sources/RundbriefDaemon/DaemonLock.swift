import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One daemon per database: an exclusive `flock` on `<database>.lock`, taken before the daemon touches
/// anything else and held until the process ends (the kernel releases it even after `kill -9`).
///
/// The file holds the holder's PID, so a second daemon can say which one is running. It is never
/// removed: removing it would let a third daemon lock a new file while the first still runs.
public final class DaemonLock: Sendable {
    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        /// Another process holds it; its PID when the file names one.
        case held(path: String, pid: Int32?)
        /// The lock file cannot be created or locked (directory missing, permissions).
        case unavailable(path: String, reason: String)

        public var description: String {
            switch self {
            case .held(let path, let pid):
                let holder = pid.map { "PID \($0)" } ?? "another process"
                return "another rundbrief daemon is already running on this database (\(holder), lock \(path)); "
                    + "stop it first"
            case .unavailable(let path, let reason):
                return "cannot take the daemon lock \(path): \(reason)"
            }
        }
    }

    public let path: String
    private let descriptor: Int32

    /// Takes the lock for the database at `databasePath`, or fails at once.
    public init(databasePath: String) throws(Failure) {
        path = databasePath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .unavailable(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            let holder = Self.pid(in: descriptor)
            close(descriptor)
            if busy { throw .held(path: path, pid: holder) }
            throw .unavailable(path: path, reason: reason)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)  // releases the lock
    }

    private static func pid(in descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
