import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One `notice` line in the system log (the journal on systemd systems, `journalctl -t rundbrief`) for
/// each operator action on a send from the command line, so the journal is an audit trail of who
/// paused, resumed or cancelled what. Nothing is written when no syslog socket exists.
enum AuditLog {
    static func notice(_ message: String) {
        let user =
            ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "?"
        let line = "\(message) source=cli user=\(user)"
        openlog("rundbrief", LOG_PID, LOG_DAEMON)
        withVaList([line]) { vsyslog(LOG_NOTICE, "%s", $0) }
        closelog()
    }
}
