import Foundation

extension ConfigurationValidator {
    /// Why `[dkim]` cannot sign as configured, as (key, message), or nil.
    static func dkimProblem(_ dkim: Configuration.DKIMSection) -> (key: String, message: String)? {
        guard dkim.isEnabled else { return nil }
        if dkim.domain.isEmpty { return ("dkim.domain", "is required when a DKIM key is configured") }
        if !dkim.keyFile.isEmpty, dkim.selector.isEmpty {
            return ("dkim.selector", "is required when dkim.key_file is set")
        }
        var seen: Set<String> = []
        for key in dkim.signingKeys where !seen.insert(key.selector.lowercased()).inserted {
            return ("dkim.key", "selector \"\(key.selector)\" is configured twice")
        }
        return nil
    }

    /// Why `http.base_url` is unfit for the links in messages, or nil. RFC 8058 one-click needs
    /// https (Gmail and Yahoo ignore it otherwise); http is left for a loopback address in development.
    static func baseURLProblem(_ url: URL) -> String? {
        guard url.scheme?.lowercased() != "https" else { return nil }
        if let host = url.host, isLoopback(host) { return nil }
        return
            "must be an https:// URL: mailbox providers ignore one-click unsubscribe over http (http:// is allowed only for a loopback address such as 127.0.0.1, for development)"
    }

    /// `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { octet in UInt8(octet).map { String($0) == octet } ?? false }
    }
}
