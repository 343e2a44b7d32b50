public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whether standard error is connected to the systemd journal.
///
/// systemd sets `$JOURNAL_STREAM` to "device:inode" of the stream it connected; the variable is
/// inherited by children whose stderr may be redirected elsewhere, so it only counts when stderr's
/// own device and inode match.
public enum JournalStream {
    /// - Parameters:
    ///   - environment: the process environment (tests pass their own).
    ///   - descriptor: the file descriptor to compare, stderr by default.
    public static func isJournal(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        descriptor: Int32 = 2
    ) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
