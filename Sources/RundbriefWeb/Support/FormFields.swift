import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or query string.
///
/// Hand-parsed so a malformed body yields an empty field rather than an error thrown deep inside a
/// decoder: every field is optional at this level and the routes decide what is required.
struct FormFields: Sendable {
    private var values: [String: [String]] = [:]

    init(_ encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true).prefix(64) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if let value { values[name, default: []].append(value) }
        }
    }

    init(dictionary: [String: [String]]) {
        values = dictionary
    }

    /// The field's first value (a field given twice keeps its first).
    subscript(name: String) -> String? { values[name]?.first }

    /// Every value of a field given several times (checkboxes sharing a name), in order.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
