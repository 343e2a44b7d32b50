import Foundation
import Yams

/// The YAML block between the leading `---` lines of an edition file, parsed.
struct FrontMatter {
    /// One key's value and the 1-based file line it was written on.
    struct Entry {
        var value: FrontMatterValue
        var line: Int?
        var node: Node
    }

    var entries: [String: Entry]
    /// The Markdown after the closing `---`.
    var body: String
    /// The 1-based file line the body starts on.
    var bodyLine: Int

    /// Splits `text` (LF line endings) into front matter and body and parses the YAML.
    init(text: String, file: String) throws(EditionError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, Self.isFence(first) else {
            throw EditionError(
                .missingFrontMatter, file: file, line: 1,
                reason: "the file must start with a '---' line opening the front matter (subject, list, …)")
        }
        guard let close = lines.indices.dropFirst().first(where: { Self.isFence(lines[$0]) }) else {
            throw EditionError(
                .missingFrontMatter, file: file, line: 1,
                reason: "the front matter opened on line 1 is never closed by a '---' line")
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        entries = try Self.parse(yaml: yaml, file: file, lines: lines)
        body = lines[(close + 1)...].joined(separator: "\n")
        bodyLine = close + 2
    }

    private static func isFence(_ line: Substring) -> Bool {
        line.trimmingTrailingBlanks() == "---"
    }

    private static func parse(yaml: String, file: String, lines: [Substring]) throws(EditionError)
        -> [String: Entry]
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            let line = fileLine(of: error)
            let text = line.flatMap { lines.indices.contains($0 - 1) ? lines[$0 - 1] : nil } ?? ""
            throw EditionError(
                .invalidFrontMatter, file: file, line: line,
                reason: advice(for: problem(of: error), line: text)
                    ?? "the front matter is not valid YAML: \(problem(of: error))")
        } catch {
            throw EditionError(
                .invalidFrontMatter, file: file, line: 2, reason: "the front matter is not valid YAML")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw EditionError(
                .invalidFrontMatter, file: file, line: root.mark.map { $0.line + 1 },
                reason: "the front matter must be a mapping of keys to values (key: value)")
        }
        return try entries(of: mapping, file: file)
    }

    private static func entries(of mapping: Node.Mapping, file: String) throws(EditionError)
        -> [String: Entry]
    {
        var entries: [String: Entry] = [:]
        for (key, value) in mapping {
            let line = (key.mark ?? value.mark).map { $0.line + 1 }
            guard let scalar = key.scalar else {
                throw EditionError(
                    .invalidKeyType, file: file, line: line,
                    reason: "a front matter key must be plain text, not a list or mapping")
            }
            entries[scalar.string] = Entry(value: convert(value), line: line, node: value)
        }
        return entries
    }

    static func convert(_ node: Node) -> FrontMatterValue {
        switch node {
        case .scalar(let scalar):
            return convert(scalar: scalar, node: node)
        case .sequence(let sequence):
            return .list(sequence.map(convert))
        case .mapping(let mapping):
            var values: [String: FrontMatterValue] = [:]
            for (key, value) in mapping {
                values[key.string ?? String(describing: key.any)] = convert(value)
            }
            return .map(values)
        case .alias:
            return .null
        }
    }

    private static func convert(scalar: Node.Scalar, node: Node) -> FrontMatterValue {
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue:
            return node.bool.map(FrontMatterValue.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue: return node.int.map(FrontMatterValue.int) ?? .string(scalar.string)
        case Tag.Name.float.rawValue:
            return node.float.map(FrontMatterValue.double) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }

    /// The file line of a YAML error: the YAML starts on file line 2.
    private static func fileLine(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line + 1
        default:
            return nil
        }
    }

    /// What an editor should do about the YAML mistakes editors make, in their words.
    private static func advice(for problem: String, line: Substring) -> String? {
        let key = line.split(separator: ":", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        let what = key.map { $0.isEmpty ? "the value" : "the \($0)" } ?? "the value"
        if problem.contains("mapping values are not allowed") {
            return "put \(what) in quotes: it contains a colon (\(key ?? "key"): \"…: …\")"
        }
        if line.contains("\t") {
            return "the front matter contains a tab; indent with spaces"
        }
        if problem.contains("end of stream") || problem.contains("did not find expected") {
            if line.filter({ $0 == "\"" }).count % 2 == 1 || line.filter({ $0 == "'" }).count % 2 == 1 {
                return "a quote opened in \(what) is not closed on its line"
            }
        }
        if problem.contains("cannot start any token"),
            let first = line.split(separator: ":", maxSplits: 1).last?
                .trimmingCharacters(in: .whitespaces).first, "@`%|>".contains(first)
        {
            return "put \(what) in quotes: it starts with '\(first)'"
        }
        return nil
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _),
            .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicated keys: \(duplicates.joined(separator: ", "))"
        default:
            return String(describing: error)
        }
    }
}

extension Substring {
    func trimmingTrailingBlanks() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
