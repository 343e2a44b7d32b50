/// A TOML table: keys in document order, with the line each was defined on.
///
/// Equality compares keys and values only, not order or lines.
public struct TOMLTable: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// The keys in the order the document defined them.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    private var lines: [String: Int] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, TOMLValue)...) {
        for (key, value) in elements { set(key, value, line: 0) }
    }

    public subscript(key: String) -> TOMLValue? { values[key] }

    /// The 1-based line where `key` was defined (for error messages), `nil` if absent.
    public func line(of key: String) -> Int? { lines[key] }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.values == rhs.values
    }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if values.updateValue(value, forKey: key) == nil {
            keys.append(key)
            lines[key] = line
        }
    }

    /// Runs `body` on the table at `path`, where each step is a table or an array whose last
    /// element is a table (the current `[[array]]` entry). The caller has checked the path exists.
    mutating func modifyTable(at path: ArraySlice<String>, _ body: (inout TOMLTable) -> Void) {
        guard let first = path.first else { return body(&self) }
        // Take the value out first so the nested table is uniquely referenced and not copied.
        guard let value = values.removeValue(forKey: first) else {
            preconditionFailure("missing table \(first)")
        }
        switch value {
        case .table(var table):
            table.modifyTable(at: path.dropFirst(), body)
            values[first] = .table(table)
        case .array(var elements):
            guard case .table(var table) = elements.popLast() else {
                preconditionFailure("not a table array")
            }
            table.modifyTable(at: path.dropFirst(), body)
            elements.append(.table(table))
            values[first] = .array(elements)
        default:
            preconditionFailure("not a table: \(first)")
        }
    }
}
