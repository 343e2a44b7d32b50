import Foundation

/// Which link targets may appear in a mail: web, mail and phone links, and in-page anchors.
///
/// `javascript:`, `data:` and other schemes are dropped (the link text stays), since a
/// newsletter link should never run code or carry an inline document.
enum LinkPolicy {
    private static let linkSchemes: Set<String> = ["http", "https", "mailto", "tel"]

    /// The trimmed target when it is safe to link to, `nil` otherwise.
    static func safeTarget(_ href: String) -> String? {
        let target = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !target.isEmpty else { return nil }
        guard let scheme = scheme(of: target) else {
            // No scheme: a relative path or an anchor, which cannot run code.
            return target
        }
        return linkSchemes.contains(scheme) ? target : nil
    }

    /// Images must come from the web (or a `cid:` attachment): no `data:` or local files.
    static func safeImageSource(_ src: String) -> String? {
        let target = src.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let scheme = scheme(of: target), ["https", "http", "cid"].contains(scheme) else {
            return nil
        }
        return target
    }

    /// Whether the target leaves the mail (opens a browser), as opposed to mailto/tel/anchors.
    static func isExternal(_ target: String) -> Bool {
        scheme(of: target).map { $0 == "http" || $0 == "https" } ?? false
    }

    /// The lowercase scheme, if the target has one: text before a `:` that comes before any `/?#`.
    ///
    /// Spaces and control characters are ignored first, as browsers do, because that is how
    /// `java&#9;script:` slips past filters that look for `javascript:` literally.
    static func scheme(of target: String) -> String? {
        let probe = String(
            String.UnicodeScalarView(target.unicodeScalars.filter { $0.value > 0x20 && $0 != "\u{7F}" }))
        guard let colon = probe.firstIndex(of: ":") else { return nil }
        let candidate = probe[..<colon]
        guard !candidate.contains(where: { "/?#".contains($0) }) else { return nil }
        return candidate.lowercased()
    }
}
