import Foundation

/// Reads HTML (Ink's output, plus any raw HTML an editor wrote) into `MarkupNode`s.
///
/// Tolerant rather than complete: unknown closing tags are ignored, unclosed elements are
/// closed at the end, and elements whose content must never reach a mail (`script`,
/// `style`, …) are dropped with their content.
struct MarkupParser {
    private static let voidElements: Set<String> = [
        "br", "hr", "img", "input", "meta", "link", "wbr", "col", "source",
    ]
    private static let droppedElements: Set<String> = [
        "script", "style", "head", "title", "iframe", "object", "embed", "form", "template", "noscript",
        "svg",
    ]

    private struct OpenElement {
        var name: String
        var attributes: [String: String]
        var children: [MarkupNode] = []
    }

    private var stack: [OpenElement] = [OpenElement(name: "#root", attributes: [:])]
    private var scalars: [Unicode.Scalar]
    private var position = 0

    /// Parses `html` into its top-level nodes.
    static func parse(_ html: String) -> [MarkupNode] {
        var parser = MarkupParser(scalars: Array(html.unicodeScalars))
        parser.run()
        return parser.finish()
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private mutating func run() {
        var textStart = position
        while position < scalars.count {
            guard scalars[position] == "<", let tagEnd = tagEnd(from: position) else {
                position += 1
                continue
            }
            appendText(from: textStart, to: position)
            position = handleTag(
                String(String.UnicodeScalarView(scalars[(position + 1)..<tagEnd])), end: tagEnd)
            textStart = position
        }
        appendText(from: textStart, to: scalars.count)
    }

    /// The index of the `>` closing a tag that starts at `start`, if this `<` opens a tag at all.
    private func tagEnd(from start: Int) -> Int? {
        guard start + 1 < scalars.count else { return nil }
        let next = scalars[start + 1]
        guard next == "/" || next == "!" || next.properties.isAlphabetic else { return nil }
        if next == "!", start + 3 < scalars.count, scalars[start + 2] == "-", scalars[start + 3] == "-" {
            return commentEnd(from: start + 4)
        }
        var quote: Unicode.Scalar?
        var index = start + 1
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                return index
            }
            index += 1
        }
        return nil
    }

    private func commentEnd(from start: Int) -> Int? {
        var index = start
        while index + 2 < scalars.count {
            if scalars[index] == "-", scalars[index + 1] == "-", scalars[index + 2] == ">" {
                return index + 2
            }
            index += 1
        }
        return nil
    }

    private mutating func appendText(from start: Int, to end: Int) {
        guard start < end else { return }
        let raw = String(String.UnicodeScalarView(scalars[start..<end]))
        stack[stack.count - 1].children.append(.text(HTMLEntities.decode(raw)))
    }

    /// Handles the tag text between `<` and the `>` at `end`; returns where reading resumes.
    private mutating func handleTag(_ tag: String, end: Int) -> Int {
        if tag.hasPrefix("!") { return end + 1 }
        if tag.hasPrefix("/") {
            close(tag.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
            return end + 1
        }
        let (name, attributes, selfClosing) = TagReader.read(tag)
        if Self.droppedElements.contains(name) {
            return selfClosing ? end + 1 : endOfContent(of: name, from: end + 1)
        }
        if Self.voidElements.contains(name) || selfClosing {
            stack[stack.count - 1].children.append(
                .element(name: name, attributes: attributes, children: []))
        } else {
            stack.append(OpenElement(name: name, attributes: attributes))
        }
        return end + 1
    }

    /// The index just after the `</name>` that ends a dropped element (or the end of input).
    private func endOfContent(of name: String, from start: Int) -> Int {
        let closing = Array("</\(name)".unicodeScalars)
        var index = start
        while index + closing.count <= scalars.count {
            let candidate = scalars[index..<(index + closing.count)].map {
                $0.properties.lowercaseMapping
            }
            if candidate.joined() == String(String.UnicodeScalarView(closing)),
                let end = tagEnd(from: index)
            {
                return end + 1
            }
            index += 1
        }
        return scalars.count
    }

    private mutating func close(_ name: String) {
        guard let depth = stack.lastIndex(where: { $0.name == name }), depth > 0 else { return }
        while stack.count > depth {
            closeTop()
        }
    }

    private mutating func closeTop() {
        let element = stack.removeLast()
        let node = MarkupNode.element(
            name: element.name, attributes: element.attributes, children: element.children)
        stack[stack.count - 1].children.append(node)
    }

    private mutating func finish() -> [MarkupNode] {
        while stack.count > 1 {
            closeTop()
        }
        return stack[0].children
    }
}
