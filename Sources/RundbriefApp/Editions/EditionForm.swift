import Foundation
public import RundbriefCore

/// An edition as the console's editor shows it: the front matter keys people set most as fields, the
/// other front matter lines (`from:`, `archive:`, `meta:` ...) as written, and the Markdown body.
/// ``source`` turns it back into the text a file would hold, which the operations check and store.
public struct EditionForm: Sendable, Equatable {
    public var subject = ""
    public var preheader = ""
    public var list = ""
    public var slug = ""
    public var template = "edition"
    /// Front matter lines for the keys without a field of their own, as written.
    public var otherFrontMatter = ""
    public var body = ""

    /// The keys with a field of their own.
    static let fieldKeys: Set<String> = ["subject", "preheader", "list", "slug", "template"]

    public init(
        subject: String = "", preheader: String = "", list: String = "", slug: String = "",
        template: String = "edition", otherFrontMatter: String = "", body: String = ""
    ) {
        (self.subject, self.preheader, self.list, self.slug) = (subject, preheader, list, slug)
        (self.template, self.otherFrontMatter, self.body) = (template, otherFrontMatter, body)
    }

    /// The form of a stored edition's source; the source must parse (a stored one does).
    public init(source text: String, slug: String) throws(EditionError) {
        let parsed = try EditionSource(text: text, fileName: slug + ".md")
        (subject, preheader, list, self.slug) = (parsed.subject, parsed.preheader, parsed.list, parsed.slug)
        template = parsed.template
        body = parsed.markdown
        otherFrontMatter = Self.otherLines(of: text)
    }

    /// The whole edition: front matter, then the body.
    public var source: String {
        var lines = ["---", "subject: \(Self.quoted(subject))"]
        if !preheader.isEmpty { lines.append("preheader: \(Self.quoted(preheader))") }
        lines.append("list: \(Self.quoted(list))")
        if !slug.isEmpty { lines.append("slug: \(Self.quoted(slug))") }
        if !template.isEmpty { lines.append("template: \(Self.quoted(template))") }
        let other = otherFrontMatter.replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .newlines)
        if !other.isEmpty { lines.append(other) }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n" + body.replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// A YAML double-quoted scalar: the value exactly, line breaks included (which the checks refuse).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The front matter lines of `text` that belong to keys without a field (a key's indented lines
    /// and comments go with it).
    static func otherLines(of text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return "" }
        var kept: [Substring] = []
        var keeping = false
        for line in lines.dropFirst() {
            if line.trimmingCharacters(in: .whitespaces) == "---" { break }
            if let first = line.first, !first.isWhitespace, first != "#" {
                let key = line.split(separator: ":", maxSplits: 1).first.map { String($0) } ?? ""
                keeping = !fieldKeys.contains(key.trimmingCharacters(in: .whitespaces))
            }
            if keeping { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }
}
