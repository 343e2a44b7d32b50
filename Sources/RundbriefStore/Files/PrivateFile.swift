#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import Foundation

/// Files that hold personal data — the database, backups, exports, the daemon's heartbeat, captured
/// messages — are readable and writable by their owner only (0600), whatever the process's umask: under
/// `sudo` or in a shared group the umask is often 0022 or 0002, which would leave them world- or
/// group-readable.
public enum PrivateFile {
    /// Owner read and write, nothing for anyone else.
    public static let mode: mode_t = 0o600

    /// Creates `path` empty if it does not exist, and takes group and other access away from it
    /// (a file made by an older version, or by hand, may have them).
    /// - Throws: `CocoaError` when the file cannot be created; a file owned by another user keeps its mode.
    public static func prepare(_ path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw error(path) }
        defer { close(descriptor) }
        restrict(descriptor)
    }

    /// Takes group and other access away from `path` if it exists and belongs to this user.
    public static func restrict(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        restrict(descriptor)
    }

    /// Opens `path` for writing from the start (created or truncated), mode 0600.
    /// - Throws: `CocoaError` when it cannot be opened.
    public static func openForWriting(_ path: String) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw error(path) }
        restrict(descriptor)
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Replaces `path` atomically with `data`: written beside it (mode 0600 from the start), then renamed,
    /// so a reader sees the old or the new file and nobody else ever sees either.
    /// - Throws: `CocoaError` when it cannot be written.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw error(temporary) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            restrict(descriptor)
            try handle.write(contentsOf: data)
            try handle.close()
            guard rename(temporary, path) == 0 else { throw error(path) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private static func restrict(_ descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o077 != 0 else { return }
        _ = fchmod(descriptor, info.st_mode & 0o700)
    }

    private static func error(_ path: String) -> CocoaError {
        let code = POSIXErrorCode(rawValue: errno) ?? .EIO
        return CocoaError(
            .fileWriteUnknown,
            userInfo: [
                NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(code),
            ])
    }
}
