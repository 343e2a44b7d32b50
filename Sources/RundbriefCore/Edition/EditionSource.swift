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
    /// Every other front matter key, kept for templates (`edition.meta.<key>`) and later use.
    public var extra: [String: FrontMatterValue]
    /// The Markdown body after the front matter.
    public var markdown: String
    /// The 1-based line of the file on which the Markdown body starts.
    public var bodyLine: Int

    /// Reads and parses the edition file at `path`.
    /// - Throws: `EditionError` naming the file (and line where known).
    public init(path: String) throws(EditionError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EditionError(
                .unreadable, file: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(data: data, fileName: path)
    }

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
        subject = try reader.headerText("subject", required: true)
        preheader = try reader.headerText("preheader", required: false)
        list = try reader.slug("list", default: nil)
        slug = try reader.slug("slug", default: Self.defaultSlug(for: fileName))
        from = try reader.optionalText("from")
        replyTo = try reader.optionalText("reply_to")
        template = try reader.optionalText("template") ?? "edition"
        archive = try reader.bool("archive", default: false)
        extra = reader.remaining()
        markdown = frontMatter.body
        bodyLine = frontMatter.bodyLine
    }

    private static func defaultSlug(for fileName: String) -> String {
        let last = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return last }
        return String(last[..<dot])
    }
}
