/// How a DKIM public key is published in DNS.
public enum DKIMPublication {
    /// The record's owner name: `selector._domainkey.domain`.
    public static func name(selector: String, domain: String) -> String {
        "\(selector)._domainkey.\(domain)"
    }

    /// A zone-file line for the TXT record, e.g.
    /// `mail._domainkey.example.org. IN TXT "v=DKIM1; k=ed25519; p=…"`. A DNS character string
    /// holds at most 255 octets, so a longer record (RSA 2048) is written as several quoted strings,
    /// which resolvers join.
    public static func zoneFileLine(selector: String, domain: String, record: String) -> String {
        var strings: [String] = []
        var rest = Substring(record)
        while !rest.isEmpty {
            strings.append("\"\(rest.prefix(255))\"")
            rest = rest.dropFirst(255)
        }
        return "\(name(selector: selector, domain: domain)). IN TXT \(strings.joined(separator: " "))"
    }
}
