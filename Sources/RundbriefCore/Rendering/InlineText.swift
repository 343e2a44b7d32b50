import Foundation

/// The plain-text reading of inline content: markers dropped, links as `text <url>`.
enum InlineText {
    /// Renders `nodes` as one string; whitespace runs collapse to one space, `<br>` becomes `\n`.
    static func render(_ nodes: [MarkupNode]) -> String {
        var raw = ""
        for node in nodes {
            append(node, to: &raw)
        }
        return collapse(raw)
    }

    private static func append(_ node: MarkupNode, to output: inout String) {
        switch node {
        case .text(let text):
            // A line break in source text is a soft break; only <br> forces one.
            output += text.replacingOccurrences(of: "\n", with: " ")
        case .element("br", _, _):
            output += "\n"
        case .element("img", let attributes, _):
            output += attributes["alt"] ?? ""
        case .element("a", let attributes, let children):
            appendLink(href: attributes["href"], children: children, to: &output)
        case .element(_, _, let children):
            children.forEach { append($0, to: &output) }
        }
    }

    private static func appendLink(href: String?, children: [MarkupNode], to output: inout String) {
        let text = render(children)
        guard let href, let target = LinkPolicy.safeTarget(href), !target.hasPrefix("#") else {
            output += text
            return
        }
        if text.isEmpty || text == target || "mailto:" + text == target {
            output += "<\(target)>"
        } else {
            output += "\(text) <\(target)>"
        }
    }

    /// Collapses runs of spaces and tabs; the `\n`s left come from `<br>`.
    private static func collapse(_ raw: String) -> String {
        var lines: [String] = []
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            lines.append(words.joined(separator: " "))
        }
        return lines.joined(separator: "\n").trimmingNewlines()
    }
}

extension String {
    fileprivate func trimmingNewlines() -> String {
        var result = Substring(self)
        while result.first == "\n" { result = result.dropFirst() }
        while result.last == "\n" { result = result.dropLast() }
        return String(result)
    }
}
