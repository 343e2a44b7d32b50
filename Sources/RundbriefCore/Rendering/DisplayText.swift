import Foundation

/// Internationalised domains as people read them: headers and link targets keep the ASCII (punycode)
/// form, visible text shows the Unicode form (`gemeinde-büren.de`, not `xn--gemeinde-bren-…`).
public enum DisplayText {
    /// `address` with its domain in Unicode.
    public static func address(_ address: String) -> String {
        // Most domains are ASCII: no punycode label, nothing to decode (this runs per recipient).
        guard let at = address.lastIndex(of: "@"),
            address[address.index(after: at)...].lowercased().contains("xn--")
        else { return address }
        return String(address[...at]) + IDNA.toUnicode(String(address[address.index(after: at)...]))
    }

    /// `url` with its host in Unicode; the rest (path, query) is left as written.
    public static func url(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let hostEnd = rest.firstIndex(where: { "/?#:".contains($0) }) ?? rest.endIndex
        let host = String(rest[..<hostEnd])
        guard host.lowercased().contains("xn--") else { return url }
        return String(url[..<scheme.upperBound]) + IDNA.toUnicode(host) + String(rest[hostEnd...])
    }
}
