/// A language the pages and mails are written in.
public enum Language: String, Sendable, CaseIterable {
    case de, en

    /// Picks the best supported language for an `Accept-Language` header (RFC 9110 §12.5.4).
    ///
    /// Ranges are weighed by their q-value (missing = 1, `q=0` = "not this one"); a range like
    /// `de-AT` matches `de`, `*` matches the default. Ties keep the header's order.
    /// - Parameters:
    ///   - header: the header's value, or `nil` when the request had none.
    ///   - fallback: the configured default language.
    public static func negotiate(_ header: String?, fallback: Language) -> Language {
        guard let header else { return fallback }
        var explicit: [Language: (quality: Double, order: Int)] = [:]
        var wildcard: (quality: Double, order: Int)?
        for (order, range) in header.split(separator: ",").prefix(32).enumerated() {
            guard let (tag, quality) = parse(range) else { continue }
            if tag == "*" {
                wildcard = (quality, order)
            } else if let language = Language(primaryTag: tag) {
                let previous = explicit[language]?.quality ?? -1
                if quality > previous { explicit[language] = (quality, explicit[language]?.order ?? order) }
            }
        }
        var best: (language: Language, quality: Double, order: Int)?
        for language in [fallback] + allCases.filter({ $0 != fallback }) {
            guard let (quality, order) = explicit[language] ?? wildcard, quality > 0 else { continue }
            if best == nil || quality > best!.quality || (quality == best!.quality && order < best!.order) {
                best = (language, quality, order)
            }
        }
        return best?.language ?? fallback
    }

    init?(primaryTag tag: Substring) {
        let primary = tag.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    private static func parse(_ range: Substring) -> (Substring, Double)? {
        let parts = range.split(separator: ";")
        guard let tag = parts.first?.trimmingSpaces, !tag.isEmpty else { return nil }
        var quality = 1.0
        for parameter in parts.dropFirst() {
            let pair = parameter.trimmingSpaces.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "q" {
                guard let value = Double(pair[1].trimmingSpaces), value >= 0, value <= 1 else { return nil }
                quality = value
            }
        }
        return (tag, quality)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

extension Language {
    /// Names in this language's quotation marks, joined as a sentence joins them:
    /// „A“, „B“ und „C“ · “A”, “B” and “C”.
    func quotedList(_ names: [String]) -> String {
        let quoted = names.map { self == .de ? "„\($0)“" : "“\($0)”" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        let and = self == .de ? " und " : " and "
        return quoted.dropLast().joined(separator: ", ") + and + quoted.last!
    }
}
