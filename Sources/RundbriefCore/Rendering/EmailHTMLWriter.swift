/// Writes `MarkupNode`s as HTML that mail clients render consistently.
///
/// Every element carries its style inline (Gmail and Outlook drop or ignore most
/// `<style>` rules), only properties Outlook's Word engine honours are used, link
/// targets are escaped (Ink leaves `&` raw) and limited to safe schemes, and raw
/// HTML an editor wrote is reduced to the elements below.
struct EmailHTMLWriter {
    static let fontStack =
        "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    static let linkColor = "#0b5cab"

    private static let blockStyles: [String: String] = [
        "p": "margin:0 0 16px 0;font-size:16px;line-height:1.55;",
        "h1": "margin:0 0 16px 0;font-size:26px;line-height:1.25;font-weight:bold;",
        "h2": "margin:28px 0 12px 0;font-size:21px;line-height:1.3;font-weight:bold;",
        "h3": "margin:24px 0 10px 0;font-size:18px;line-height:1.35;font-weight:bold;",
        "h4": "margin:20px 0 8px 0;font-size:16px;line-height:1.4;font-weight:bold;",
        "h5": "margin:16px 0 8px 0;font-size:15px;line-height:1.4;font-weight:bold;",
        "h6": "margin:16px 0 8px 0;font-size:14px;line-height:1.4;font-weight:bold;",
        "ul": "margin:0 0 16px 0;padding:0 0 0 26px;font-size:16px;line-height:1.55;",
        "ol": "margin:0 0 16px 0;padding:0 0 0 26px;font-size:16px;line-height:1.55;",
        "li": "margin:0 0 8px 0;",
        "blockquote": "margin:0 0 16px 0;padding:2px 0 2px 16px;border-left:4px solid #8a9bb0;",
        "pre":
            "margin:0 0 16px 0;padding:12px;border:1px solid #c8d1dc;font-size:14px;line-height:1.45;"
            + "white-space:pre-wrap;font-family:Consolas,Menlo,'Courier New',monospace;",
        "hr": "border:0;border-top:1px solid #c8d1dc;margin:24px 0;height:0;",
        "table": "border-collapse:collapse;margin:0 0 16px 0;font-size:15px;",
        "th": "border:1px solid #c8d1dc;padding:6px 10px;text-align:left;font-weight:bold;",
        "td": "border:1px solid #c8d1dc;padding:6px 10px;text-align:left;vertical-align:top;",
    ]
    private static let inlineStyles: [String: String] = [
        "strong": "font-weight:bold;", "b": "font-weight:bold;", "em": "font-style:italic;",
        "i": "font-style:italic;",
        "del": "text-decoration:line-through;", "s": "text-decoration:line-through;",
        "code": "font-family:Consolas,Menlo,'Courier New',monospace;font-size:0.92em;",
    ]
    private static let plainContainers: Set<String> = [
        "thead", "tbody", "tr", "sup", "sub", "u", "small",
    ]

    /// Writes `nodes` as styled HTML.
    static func write(_ nodes: [MarkupNode]) -> String {
        var output = ""
        for node in nodes {
            write(node, into: &output, inPre: false)
        }
        return output
    }

    private static func write(_ node: MarkupNode, into output: inout String, inPre: Bool) {
        switch node {
        case .text(let text):
            output += HTMLEntities.escape(text)
        case .element(let name, let attributes, let children):
            writeElement(name, attributes: attributes, children: children, into: &output, inPre: inPre)
        }
    }

    private static func writeElement(
        _ name: String, attributes: [String: String], children: [MarkupNode], into output: inout String,
        inPre: Bool
    ) {
        switch name {
        case "a": writeLink(attributes["href"], children: children, into: &output, inPre: inPre)
        case "img": writeImage(attributes, into: &output)
        // The layout is XHTML: void elements close themselves, like the layout's own.
        case "br": output += "<br />"
        case "hr": output += "<hr class=\"rb-rule\" style=\"\(blockStyles["hr"]!)\" />"
        case "code" where inPre: writeChildren(children, into: &output, inPre: true)
        // A section tag on a line of its own: it wraps the blocks around it, it is not a paragraph.
        case "p" where isSectionTagLine(children):
            writeChildren(children, into: &output, inPre: inPre)
        default:
            if let style = blockStyles[name] ?? inlineStyles[name] {
                let start =
                    name == "ol" ? attributes["start"].flatMap(Int.init).map { " start=\"\($0)\"" } ?? "" : ""
                output += "<\(name)\(start) style=\"\(style)\">"
                writeChildren(children, into: &output, inPre: inPre || name == "pre")
                output += "</\(name)>"
            } else if plainContainers.contains(name) {
                output += "<\(name)>"
                writeChildren(children, into: &output, inPre: inPre)
                output += "</\(name)>"
            } else {
                writeChildren(children, into: &output, inPre: inPre)
            }
        }
    }

    private static func isSectionTagLine(_ children: [MarkupNode]) -> Bool {
        guard children.count == 1, case .text(let text) = children[0] else { return false }
        return SlotMarkers.isSectionMarkersOnly(text)
    }

    private static func writeChildren(
        _ children: [MarkupNode], into output: inout String, inPre: Bool
    ) {
        for child in children {
            write(child, into: &output, inPre: inPre)
        }
    }

    private static func writeLink(
        _ href: String?, children: [MarkupNode], into output: inout String, inPre: Bool
    ) {
        guard let href, let safe = LinkPolicy.safeTarget(href) else {
            writeChildren(children, into: &output, inPre: inPre)
            return
        }
        let external = LinkPolicy.isExternal(safe)
        output += "<a href=\"\(HTMLEntities.escape(safe))\""
        if external { output += " target=\"_blank\" rel=\"noopener noreferrer\"" }
        output += " style=\"color:\(linkColor);text-decoration:underline;\">"
        writeChildren(children, into: &output, inPre: inPre)
        output += "</a>"
    }

    private static func writeImage(_ attributes: [String: String], into output: inout String) {
        let alt = attributes["alt"] ?? ""
        guard let src = attributes["src"], let safe = LinkPolicy.safeImageSource(src) else {
            output += HTMLEntities.escape(alt)
            return
        }
        output +=
            "<img src=\"\(HTMLEntities.escape(safe))\" alt=\"\(HTMLEntities.escape(alt))\" border=\"0\""
        output += " style=\"display:block;max-width:100%;height:auto;border:0;margin:0 0 16px 0;\" />"
    }
}
