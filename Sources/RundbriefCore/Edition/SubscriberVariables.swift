import Foundation

/// The subscriber variables an edition's subject and Markdown body may use, in Mustache syntax:
/// `{{name}}`, `{{email}}`, `{{attributes.<key>}}` (also written `subscriber.name` … as in the
/// layout templates), sections `{{#name}}…{{/name}}`, inverted sections `{{^name}}…{{/name}}` and
/// comments `{{! … }}`.
///
/// The edition is still rendered once: each tag becomes a marker (see `SlotMarkers`) that is filled
/// per recipient, so a variable costs nothing until a message is built and an edition without
/// variables costs nothing extra. Values never pass through Markdown or Mustache.
enum SubscriberVariables {
    /// How errors name what an edition can use.
    static let known = "{{name}}, {{email}}, {{attributes.<key>}}"

    enum Token: Equatable {
        case text(String)
        case value(Slot)
        case open(Slot, inverted: Bool, name: String)
        case close(name: String)
        case comment
    }

    /// Checks every tag of `text`, whose first line is file line `line`.
    /// - Throws: `EditionError` with the line of an unknown variable (and a "did you mean"), a tag
    ///   Rundbrief does not support in editions, or a section that is not closed as it was opened.
    static func validate(_ text: String, file: String, line: Int) throws(EditionError) {
        var open: [(name: String, line: Int)] = []
        for (offset, content) in lines(of: text).enumerated() {
            let number = line + offset
            for token in try tokens(of: content, file: file, line: number) {
                switch token {
                case .open(_, _, let name): open.append((name, number))
                case .close(let name):
                    guard let last = open.popLast() else {
                        throw EditionError(
                            .invalidVariable, file: file, line: number,
                            reason: "'{{/\(name)}}' closes a section that was never opened")
                    }
                    guard last.name == name else {
                        throw EditionError(
                            .invalidVariable, file: file, line: number,
                            reason: "'{{/\(name)}}' closes the section '{{#\(last.name)}}' opened on line \(last.line)")
                    }
                default: continue
                }
            }
        }
        if let last = open.last {
            throw EditionError(
                .invalidVariable, file: file, line: last.line,
                reason: "the section '{{#\(last.name)}}' is never closed (add {{/\(last.name)}})")
        }
    }

    /// `text` with its tags replaced by markers registered in `markers`; `text` must have passed
    /// `validate` (a line that does not parse stays as written).
    /// - Parameter blocks: Markdown: a section tag on a line of its own becomes a paragraph of its
    ///   own, so the section can hold headings, lists and paragraphs.
    static func substitute(_ text: String, markers: SlotMarkers, line: Int, blocks: Bool) -> String {
        guard text.contains("{{") else { return text }
        var output: [String] = []
        var closing: [String] = []
        for (offset, content) in lines(of: text).enumerated() {
            guard content.contains("{{"), let tokens = try? tokens(of: content, file: "", line: 0) else {
                output.append(String(content))
                continue
            }
            let standalone = blocks && isStandalone(tokens)
            if standalone, tokens.contains(.comment) { continue }
            var result = ""
            for token in tokens {
                switch token {
                case .text(let text): result += standalone ? "" : text
                case .value(let slot): result += markers.marker(for: slot)
                case .open(let slot, let inverted, _):
                    let pair = markers.markers(
                        for: SlotMarkers.Section(slot: slot, inverted: inverted, line: line + offset))
                    closing.append(pair.close)
                    result += pair.open
                case .close: result += closing.popLast() ?? ""
                case .comment: continue
                }
            }
            output += standalone ? ["", result, ""] : [result]
        }
        return output.joined(separator: "\n")
    }

    private static func lines(of text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// A line holding one section tag or comment and nothing else but white space.
    private static func isStandalone(_ tokens: [Token]) -> Bool {
        var tags = 0
        for token in tokens {
            switch token {
            case .text(let text): if !text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return false }
            case .value: return false
            case .open, .close, .comment: tags += 1
            }
        }
        return tags == 1
    }

    /// The tokens of one line.
    static func tokens(of line: Substring, file: String, line number: Int) throws(EditionError) -> [Token] {
        var tokens: [Token] = []
        var rest = line[...]
        while let start = rest.range(of: "{{") {
            if start.lowerBound > rest.startIndex { tokens.append(.text(String(rest[..<start.lowerBound]))) }
            let triple = rest[start.upperBound...].hasPrefix("{")
            let closer = triple ? "}}}" : "}}"
            let bodyStart = triple ? rest.index(after: start.upperBound) : start.upperBound
            guard let end = rest[bodyStart...].range(of: closer) else {
                throw EditionError(
                    .invalidVariable, file: file, line: number,
                    reason: "a tag opened with '\(triple ? "{{{" : "{{")' is not closed on its line (missing \(closer))"
                )
            }
            let tag = String(rest[bodyStart..<end.lowerBound]).trimmingBlanks()
            tokens.append(try token(for: tag, triple: triple, file: file, line: number))
            rest = rest[end.upperBound...]
        }
        if !rest.isEmpty { tokens.append(.text(String(rest))) }
        return tokens
    }

    private static func token(for tag: String, triple: Bool, file: String, line: Int) throws(EditionError) -> Token {
        guard !triple, let sigil = tag.first, "#^/!&>=".contains(sigil) else {
            return .value(try slot(named: tag, written: triple ? "{{{\(tag)}}}" : "{{\(tag)}}", file: file, line: line))
        }
        let name = String(tag.dropFirst()).trimmingBlanks()
        switch sigil {
        case "!": return .comment
        case "&": return .value(try slot(named: name, written: "{{\(tag)}}", file: file, line: line))
        case "#", "^":
            let slot = try slot(named: name, written: "{{\(tag)}}", file: file, line: line)
            return .open(slot, inverted: sigil == "^", name: name)
        case "/": return .close(name: name)
        default:
            throw EditionError(
                .invalidVariable, file: file, line: line,
                reason: "'{{\(tag)}}': partials and delimiter changes are for layout templates, not editions")
        }
    }

    private static func slot(named name: String, written: String, file: String, line: Int) throws(EditionError)
        -> Slot
    {
        var path = Substring(name)
        if path.hasPrefix("subscriber.") { path = path.dropFirst("subscriber.".count) }
        switch path {
        case "name": return .name
        case "email": return .email
        default:
            if path.hasPrefix("attributes."), case let key = path.dropFirst("attributes.".count),
                !key.isEmpty, key.unicodeScalars.allSatisfy(isKeyCharacter)
            {
                return .attribute(String(key))
            }
        }
        var reason = "'\(written)' is not a subscriber variable"
        if let guess = suggestion(for: String(path)) {
            reason += "; did you mean {{\(guess)}}?"
        } else {
            reason += " (known: \(known))"
        }
        throw EditionError(.unknownVariable, file: file, line: line, reason: reason)
    }

    private static func suggestion(for name: String) -> String? {
        if let close = Suggestion.closest(to: name, among: ["name", "email"]) { return close }
        if name.hasPrefix("attribute") || name.hasPrefix("attributs") || name.hasPrefix("attr."),
            let dot = name.firstIndex(of: "."), case let key = name[name.index(after: dot)...], !key.isEmpty
        {
            return "attributes.\(key)"
        }
        // A bare word is most likely a CSV column: `{{kommune}}` → `{{attributes.kommune}}`.
        if !name.isEmpty, name.unicodeScalars.allSatisfy(isKeyCharacter) { return "attributes.\(name)" }
        return nil
    }

    /// Attribute keys as CSV headers give them: letters, digits, `_`, `-`.
    private static func isKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
