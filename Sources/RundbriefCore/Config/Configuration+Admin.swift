import Foundation

extension Configuration.AdminSection {
    /// `listen` split into host and port; `nil` when the admin listener is off (empty) or it is malformed.
    public var address: (host: String, port: Int)? {
        listen.isEmpty ? nil : Configuration.HTTPSection.split(listen)
    }

    /// Whether session cookies may go without `Secure`: only when the console is reached over plain
    /// http on this machine (development), where a browser would otherwise refuse to send them back.
    public var cookiesMayBeInsecure: Bool {
        guard let url = URLComponents(string: baseURL), url.scheme?.lowercased() == "http", let host = url.host
        else { return false }
        return ConfigurationValidator.isLoopback(host)
    }
}
