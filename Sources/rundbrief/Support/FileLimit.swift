import Foundation
import Logging

/// The process's open-file limit, which bounds how many connections the daemon can hold.
enum FileLimit {
    /// Raises the soft RLIMIT_NOFILE to the hard limit (the usual soft default, 1024, is too low
    /// for `http.max_connections` plus the database and SMTP connections) and warns when even the
    /// hard limit leaves too little room. Under systemd, `LimitNOFILE=` sets both already.
    static func raiseToHardLimit(connections: Int, logger: Logger) {
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        // Connections, the metrics listener, SQLite, SMTP and log files need room beside each other.
        let needed = rlim_t(connections + 128)
        if limit.rlim_cur < needed {
            logger.warning(
                "the open-file limit is below http.max_connections + 128: raise LimitNOFILE= or lower http.max_connections",
                metadata: ["process.open_file_limit": "\(limit.rlim_cur)", "process.open_files_needed": "\(needed)"])
        }
    }
}
