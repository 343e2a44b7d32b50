import RundbriefCore

/// The mailbox an address delivers to, as a rate-limit key: `Anna.Muster+news@Example.org` and
/// `anna.muster@example.org` are one inbox, so they share one per-address limit.
///
/// Case is folded and a `+tag` dropped everywhere (a limit counted too broadly only withholds a
/// repeated confirmation mail); dots are dropped only where the provider is known to ignore them.
enum MailboxKey {
    /// Domains whose mailboxes ignore dots in the local part, and the domain they deliver for.
    static let dotInsensitive: [String: String] = ["gmail.com": "gmail.com", "googlemail.com": "gmail.com"]

    static func of(_ address: EmailAddress) -> String {
        let value = address.value.lowercased()
        guard let at = value.lastIndex(of: "@") else { return value }
        var local = String(value[..<at])
        var domain = String(value[value.index(after: at)...])
        if let plus = local.firstIndex(of: "+"), plus != local.startIndex { local = String(local[..<plus]) }
        if let canonical = dotInsensitive[domain] {
            domain = canonical
            local.removeAll { $0 == "." }
        }
        return local + "@" + domain
    }
}
