import Foundation
import RundbriefApp

#if canImport(Glibc)
    import Glibc
#endif

/// The command line's audit sink: one `notice` line in the system log (the journal on systemd systems,
/// `journalctl -t rundbrief`) for each action, so the journal shows who changed what from a shell.
/// Nothing is written when no syslog socket exists. (The database's `events` table has the same entry.)
struct SyslogAuditSink: AuditSink {
    func notice(_ line: String) {
        openlog("rundbrief", LOG_PID, LOG_DAEMON)
        withVaList([line]) { vsyslog(LOG_NOTICE, "%s", $0) }
        closelog()
    }

    /// The person at the shell: the user who ran sudo, else the login user.
    static var shellUser: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["SUDO_USER"] ?? environment["USER"] ?? "?"
    }
}
