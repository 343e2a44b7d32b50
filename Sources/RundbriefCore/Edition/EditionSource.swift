public import Foundation

/// An edition as its editor wrote it: YAML front matter between `---` lines, then Markdown.
///
/// ```
/// ---
/// subject: "Newsletter III/2025 – Interkommunales.NRW"
/// list: interkommunales-nrw
/// ---
/// Sehr geehrte Damen und Herren, …
/// ```
public struct EditionSource: Sendable, Equatable {
    /// The file name (or path) the edition was read from; errors name it.
    public var fileName: String
    /// The mail's subject line (single line, no control characters).
    public var subject: String
    /// The preview text mail clients show after the subject; empty when not given.
    public var preheader: String
    /// The slug of the list the edition goes to.
    public var list: String
    /// The edition's slug (archive URL); defaults to the file name without extension.
    public var slug: String
    /// An overriding From address, as written.
    public var from: String?
    /// A Reply-To address, as written.
    public var replyTo: String?
    /// The template name: `<template>.html.mustache` and `<template>.txt.mustache`.
    public var template: String
    /// Whether the edition is published in the web archive.
    public var archive: Bool
    /// The keys of the `meta:` mapping, for templates (`edition.meta.<key>`); an edition stored
    /// before `meta:` existed keeps its other top-level keys here too.
    public var extra: [String: FrontMatterValue]
    /// The 1-based file line of each front matter key, for errors found later (`from`).
    public var keyLines: [String: Int]
    /// The Markdown body after the front matter.
    public var markdown: String
    /// The 1-based line of the file on which the Markdown body starts.
    public var bodyLine: Int

    /// Parses edition bytes, which must be UTF-8 (a leading byte order mark is skipped).
    /// - Throws: `EditionError` with the byte offset and line of invalid UTF-8, or any parse error.
    public init(data: Data, fileName: String) throws(EditionError) {
        let text = try UTF8Validation.decode([UInt8](data), file: fileName)
        try self.init(text: text, fileName: fileName)
    }

    /// Parses edition text.
    /// - Parameters:
    ///   - text: The whole file: front matter and Markdown. CRLF line endings are accepted.
    ///   - fileName: Named in errors; the default slug is its last path component without extension.
    /// - Throws: `EditionError`.
    public init(text: String, fileName: String) throws(EditionError) {
        var normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        if normalised.hasPrefix("\u{FEFF}") { normalised.removeFirst() }
        let frontMatter = try FrontMatter(text: normalised, file: fileName)
        var reader = FrontMatterReader(frontMatter: frontMatter, file: fileName)
        self.fileName = fileName
        keyLines = frontMatter.entries.compactMapValues(\.line)
        subject = try reader.headerText("subject", required: true)
        preheader = try reader.headerText("preheader", required: false)
        list = try reader.slug("list", default: nil)
        slug = try reader.slug("slug", default: Self.defaultSlug(for: fileName))
        from = try reader.optionalText("from")
        replyTo = try reader.optionalText("reply_to")
        template = try reader.optionalText("template") ?? "edition"
        archive = try reader.bool("archive", default: false)
        let meta = try reader.mapping("meta")
        extra = reader.remaining().merging(meta) { _, fromMeta in fromMeta }
        markdown = frontMatter.body
        bodyLine = frontMatter.bodyLine
        try SubscriberVariables.validate(subject, file: fileName, line: keyLines["subject"] ?? 2)
        try SubscriberVariables.validate(preheader, file: fileName, line: keyLines["preheader"] ?? 2)
        try SubscriberVariables.validate(markdown, file: fileName, line: bodyLine)
    }

    /// `from` split into its display name and address: `Redaktion <redaktion@example.org>` or a bare address.
    public var fromParts: (displayName: String?, address: String)? {
        guard let from else { return nil }
        let trimmed = from.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else { return (nil, trimmed) }
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        return (name.isEmpty ? nil : name, address)
    }

    /// The front matter keys an edition may have.
    public static let knownKeys = [
        "subject", "preheader", "list", "slug", "from", "reply_to", "template", "archive", "meta",
    ]

    /// The first front matter key Rundbrief does not know (by line), as an error with a "did you mean".
    ///
    /// Parsing keeps such keys (an edition stored earlier may have them); `edition add` refuses them,
    /// since a typo such as `preheder` would otherwise lose the preheader without a word.
    public var unknownKeyError: EditionError? {
        let unknown = keyLines.filter { !Self.knownKeys.contains($0.key) }.sorted { $0.value < $1.value }
        guard let (key, line) = unknown.first else { return nil }
        var reason = "unknown front matter key '\(key)'"
        if let guess = Suggestion.closest(to: key, among: Self.knownKeys) {
            reason += "; did you mean '\(guess)'?"
        } else {
            reason += " (known: \(Self.knownKeys.joined(separator: ", ")); put your own values under 'meta:')"
        }
        return EditionError(.unknownKey, file: fileName, line: line, reason: reason)
    }

    private static func defaultSlug(for fileName: String) -> String {
        let last = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return last }
        return String(last[..<dot])
    }
}
