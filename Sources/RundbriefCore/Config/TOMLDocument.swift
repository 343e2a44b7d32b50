/// Builds a TOML table tree while enforcing TOML 1.0's rules on where keys may be defined:
/// no duplicate keys, a `[table]` defined once, dotted keys only extending tables they created,
/// inline tables and static arrays closed once written.
struct TOMLDocument {
    /// How a path came to exist; decides what may be added to it later.
    private enum Kind {
        case implicitTable  // created as the parent of a `[header]`
        case headerTable  // defined by its own `[header]`
        case dottedTable  // created by a dotted key (`a.b = 1` creates `a`)
        case inlineTable  // `{ ... }`: complete as written
        case arrayOfTables  // `[[header]]`
        case value
    }

    private(set) var root = TOMLTable()
    /// Paths are absolute; inside an array of tables they mean its last element, so the entries
    /// below the array are cleared whenever a new element starts.
    private var kinds: [[String]: Kind] = [:]

    /// Handles `[path]`.
    mutating func defineTable(_ path: [String], at position: TOMLPosition) throws(TOMLError) {
        try createParents(of: path, at: position)
        switch kinds[path] {
        case nil: create(path, .table(TOMLTable()), kind: .headerTable, line: position.line)
        case .implicitTable: kinds[path] = .headerTable
        case .headerTable: throw position.error("table [\(Self.name(path))] is defined twice")
        case .dottedTable: throw position.error("table [\(Self.name(path))] was already defined with dotted keys")
        case .arrayOfTables:
            throw position.error("[\(Self.name(path))] is an array of tables; write [[\(Self.name(path))]]")
        case .inlineTable, .value: throw position.error("key \(Self.name(path)) is already defined")
        }
    }

    /// Handles `[[path]]`.
    mutating func appendTable(_ path: [String], at position: TOMLPosition) throws(TOMLError) {
        try createParents(of: path, at: position)
        switch kinds[path] {
        case nil:
            create(path, .array([.table(TOMLTable())]), kind: .arrayOfTables, line: position.line)
        case .arrayOfTables:
            root.modifyTable(at: path.dropLast()[...]) { parent in
                guard case .array(var elements) = parent[path[path.count - 1]] else { return }
                elements.append(.table(TOMLTable()))
                parent.set(path[path.count - 1], .array(elements), line: position.line)
            }
            kinds = kinds.filter { !($0.key.count > path.count && $0.key.starts(with: path)) }
        default:
            throw position.error("cannot make \(Self.name(path)) an array of tables: it is already defined")
        }
    }

    /// Handles `key = value` (with `key` possibly dotted) inside the table at `table`.
    mutating func insert(_ key: [String], _ value: TOMLValue, in table: [String], at position: TOMLPosition)
        throws(TOMLError)
    {
        var path = table
        for part in key.dropLast() {
            path.append(part)
            switch kinds[path] {
            case nil: create(path, .table(TOMLTable()), kind: .dottedTable, line: position.line)
            case .dottedTable: continue
            default: throw position.error("cannot add keys to \(Self.name(path)) here: it is already defined")
            }
        }
        path.append(key[key.count - 1])
        if kinds[path] != nil { throw position.error("duplicate key \(Self.name(key))") }
        if case .table = value {
            create(path, value, kind: .inlineTable, line: position.line)
        } else {
            create(path, value, kind: .value, line: position.line)
        }
    }

    private mutating func createParents(of path: [String], at position: TOMLPosition) throws(TOMLError) {
        for length in 1..<path.count {
            let prefix = Array(path[..<length])
            switch kinds[prefix] {
            case nil: create(prefix, .table(TOMLTable()), kind: .implicitTable, line: position.line)
            case .implicitTable, .headerTable, .dottedTable, .arrayOfTables: continue
            case .inlineTable: throw position.error("inline table \(Self.name(prefix)) cannot be extended")
            case .value: throw position.error("key \(Self.name(prefix)) is a value, not a table")
            }
        }
    }

    private mutating func create(_ path: [String], _ value: TOMLValue, kind: Kind, line: Int) {
        kinds[path] = kind
        root.modifyTable(at: path.dropLast()[...]) { $0.set(path[path.count - 1], value, line: line) }
    }

    /// A path as it would be written in TOML, quoting keys that are not bare.
    static func name(_ path: [String]) -> String {
        path.map { key in
            let bare = !key.isEmpty && key.unicodeScalars.allSatisfy { TOMLParser.isBareKeyScalar($0) }
            return bare ? key : "\"\(key)\""
        }.joined(separator: ".")
    }
}

/// A place in the document, for error messages.
struct TOMLPosition {
    var line: Int
    var column: Int

    func error(_ reason: String) -> TOMLError {
        TOMLError(line: line, column: column, reason: reason)
    }
}
