/// Writes `MarkupNode`s as the text/plain part: readable in any mail client, 72 columns.
///
/// Headings are underlined (`=` for level 1, `-` for level 2), paragraphs wrapped,
/// list items hang under their `- ` or `1. ` marker, links read `text <url>`, quotes
/// carry `> `, and emphasis markers are dropped.
struct PlainTextWriter {
    private static let inlineElements: Set<String> = [
        "a", "em", "strong", "b", "i", "del", "s", "code", "br", "img", "span", "sup", "sub", "u",
        "small",
    ]

    let width: Int

    /// The whole text, blocks separated by one blank line, ending in a newline.
    func write(_ nodes: [MarkupNode]) -> String {
        let lines = blocks(of: nodes, width: width).joined(separator: [""])
        return lines.map(Self.trimTrailingSpaces).joined(separator: "\n") + "\n"
    }

    /// The blocks of a sequence of nodes: runs of inline content become wrapped paragraphs.
    ///
    /// A section tag on a line of its own (only section markers) is no block: it is put in front of
    /// the next block, so a section left out takes one blank line with it, not leaves two.
    private func blocks(of nodes: [MarkupNode], width: Int) -> [[String]] {
        var blocks: [[String]] = []
        var run: [MarkupNode] = []
        var pending = ""
        func add(_ new: [[String]]) {
            for var block in new {
                if SlotMarkers.isSectionMarkersOnly(block.joined()) {
                    pending += block.joined().filter { !$0.isWhitespace }
                    continue
                }
                if !pending.isEmpty, !block.isEmpty {
                    block[0] = pending + block[0]
                    pending = ""
                }
                blocks.append(block)
            }
        }
        func flush() {
            let text = InlineText.render(run)
            if !text.isEmpty { add([TextWrapper.wrap(text, width: width)]) }
            run = []
        }
        for node in nodes {
            if case .element(let name, _, _) = node, !Self.inlineElements.contains(name) {
                flush()
                add(block(node, width: width))
            } else {
                run.append(node)
            }
        }
        flush()
        if !pending.isEmpty {
            if blocks.isEmpty {
                blocks.append([pending])
            } else {
                blocks[blocks.count - 1][blocks[blocks.count - 1].count - 1] += pending
            }
        }
        return blocks
    }

    private func block(_ node: MarkupNode, width: Int) -> [[String]] {
        guard case .element(let name, let attributes, let children) = node else { return [] }
        switch name {
        case "h1": return [heading(children, underline: "=", width: width)]
        case "h2": return [heading(children, underline: "-", width: width)]
        case "h3", "h4", "h5", "h6":
            return [TextWrapper.wrap(InlineText.render(children), width: width)]
        case "ul", "ol":
            return [
                list(
                    children, ordered: name == "ol", start: attributes["start"].flatMap(Int.init) ?? 1,
                    width: width)
            ]
        case "blockquote": return [quote(children, width: width)]
        case "pre": return [preformatted(node.textContent)]
        case "hr": return [["* * *"]]
        case "table": return [table(node)]
        default: return blocks(of: children, width: width)
        }
    }

    /// Code stays as written, indented by four spaces; only the closing line break goes.
    private func preformatted(_ code: String) -> [String] {
        var code = Substring(code)
        while code.last == "\n" { code = code.dropLast() }
        return code.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }

    private func heading(_ children: [MarkupNode], underline: Character, width: Int) -> [String] {
        let lines = TextWrapper.wrap(InlineText.render(children), width: width)
        let longest = lines.map(\.count).max() ?? 0
        return lines + [String(repeating: underline, count: max(longest, 1))]
    }

    private func list(_ items: [MarkupNode], ordered: Bool, start: Int, width: Int) -> [String] {
        var lines: [String] = []
        var number = start
        for case .element("li", _, let children) in items {
            let marker = ordered ? "\(number). " : "- "
            let indent = String(repeating: " ", count: marker.count)
            let body = blocks(of: children, width: max(width - marker.count, 20)).flatMap { $0 }
            for (index, line) in body.enumerated() {
                lines.append((index == 0 ? marker : indent) + line)
            }
            if body.isEmpty { lines.append(marker) }
            number += 1
        }
        return lines
    }

    private func quote(_ children: [MarkupNode], width: Int) -> [String] {
        let inner = blocks(of: children, width: max(width - 2, 20)).joined(separator: [""])
        return inner.map { $0.isEmpty ? ">" : "> " + $0 }
    }

    private func table(_ node: MarkupNode) -> [String] {
        var rows: [String] = []
        collectRows(node, into: &rows)
        return rows
    }

    private func collectRows(_ node: MarkupNode, into rows: inout [String]) {
        guard case .element(let name, _, let children) = node else { return }
        guard name == "tr" else {
            children.forEach { collectRows($0, into: &rows) }
            return
        }
        let cells = children.compactMap { child -> String? in
            guard case .element(let cell, _, let content) = child, cell == "td" || cell == "th" else {
                return nil
            }
            return InlineText.render(content)
        }
        rows.append(cells.joined(separator: " | "))
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }
}
