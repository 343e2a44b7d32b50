import Ink

/// An edition body in Markdown, read once and written as email HTML and as plain text.
///
/// Ink parses the Markdown; its HTML is read back into a small tree from which both
/// parts are written, so they agree on structure. See `EmailHTMLWriter` for what is
/// changed for mail clients (inline styles, escaped link targets, safe links).
public struct MarkdownDocument: Sendable {
    /// The Markdown as given.
    public let markdown: String
    private let nodes: [MarkupNode]

    /// Parses `markdown` (without front matter).
    public init(markdown: String) {
        self.markdown = markdown
        nodes = MarkupParser.parse(MarkdownParser().html(from: markdown))
    }

    /// The body as HTML with inline styles, ready to go inside the layout template.
    public var html: String {
        EmailHTMLWriter.write(nodes)
    }

    /// The body as plain text wrapped at `width` characters, ending in a newline.
    public func plainText(width: Int = 72) -> String {
        PlainTextWriter(width: width).write(nodes)
    }
}
