import Foundation

extension ConfigurationValidator {
    /// `[admin]`: the console's listener must not share the public one's address, and its base URL must be
    /// https unless it names this machine (session cookies travel in it).
    func validateAdmin(_ config: inout Configuration, _ fail: (String, String) -> Void) {
        let admin = config.admin
        if !admin.listen.isEmpty {
            if let (host, port) = admin.address {
                if port != 0, host == config.http.host, port == config.http.port {
                    fail(
                        "admin.listen",
                        "must differ from http.listen: the console is never served on the public listener")
                }
            } else {
                fail("admin.listen", "must be host:port, e.g. 127.0.0.1:8081, or empty (got '\(admin.listen)')")
            }
        }
        let base = URL(string: admin.baseURL)
        guard let scheme = base?.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = base?.host else {
            fail("admin.base_url", "must be an http:// or https:// URL (got '\(admin.baseURL)')")
            return
        }
        if scheme == "http", !Self.isLoopback(host) {
            fail(
                "admin.base_url",
                "must be an https:// URL: passwords and session cookies travel over it (http:// is allowed only for a loopback address such as 127.0.0.1) (got '\(admin.baseURL)')"
            )
        }
        while config.admin.baseURL.hasSuffix("/") { config.admin.baseURL.removeLast() }
    }
}
