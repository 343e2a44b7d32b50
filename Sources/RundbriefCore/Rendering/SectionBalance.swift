import Foundation

/// Checks that each section of an edition body holds whole elements: leaving out
/// `{{#name}}…{{/name}}` must not cut a paragraph, list or table in two.
enum SectionBalance {
    private static let voidElements: Set<String> = ["br", "hr", "img", "meta", "link", "input", "wbr"]

    /// - Throws: `TemplateError` naming the line of the section's opening tag.
    static func check(_ html: String, markers: SlotMarkers, file: String) throws(TemplateError) {
        for (index, section) in markers.sections.enumerated() {
            let open = "\(Character(SlotMarkers.sectionOpen))\(index)\(Character(SlotMarkers.close))"
            let close = "\(Character(SlotMarkers.sectionClose))\(index)\(Character(SlotMarkers.close))"
            guard let start = html.range(of: open),
                let end = html.range(of: close, range: start.upperBound..<html.endIndex)
            else { continue }
            if !isBalanced(html[start.upperBound..<end.lowerBound]) {
                throw TemplateError(
                    .syntax, file: file, line: section.line,
                    reason:
                        "a section ({{#…}} … {{/…}}) must start and end in the same paragraph, or stand on lines of its own around whole paragraphs"
                )
            }
        }
    }

    private static func isBalanced(_ html: Substring) -> Bool {
        var stack: [Substring] = []
        var rest = html
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return false }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let isClosing = tag.hasPrefix("/")
            let name = (isClosing ? tag.dropFirst() : tag).prefix { $0 != " " && $0 != "\n" && $0 != "\t" }
            if voidElements.contains(name.lowercased()) { continue }
            if isClosing {
                guard stack.popLast() == name else { return false }
            } else {
                stack.append(name)
            }
        }
        return stack.isEmpty
    }
}
