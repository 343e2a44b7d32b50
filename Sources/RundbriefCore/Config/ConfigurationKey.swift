/// One configurable key: where it lives, how to read it from TOML or an environment variable,
/// and where it goes in `Configuration`.
struct ConfigurationKey {
    let section: String
    let name: String
    let apply: (inout Configuration, TOMLValue) throws(KeyError) -> Void
    /// Turns an environment variable's text into the value TOML would have given.
    let fromEnvironment: (String) -> TOMLValue?

    var path: String { "\(section).\(name)" }
    var environmentName: String { "RUNDBRIEF_\(section.uppercased())_\(name.uppercased())" }

    /// A value that does not fit the key; the loader adds the location.
    struct KeyError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func string(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, String>
    ) -> Self {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                guard case .string(let text) = value else {
                    throw KeyError("must be a string (got \(value.typeName))")
                }
                guard !text.unicodeScalars.contains(where: { $0 == "\0" }) else {
                    throw KeyError("must not contain NUL")
                }
                config[keyPath: keyPath] = text
            }, fromEnvironment: { .string($0) })
    }

    static func integer(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, Int>,
        _ range: ClosedRange<Int>
    ) -> Self {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                guard case .integer(let number) = value else {
                    throw KeyError("must be an integer (got \(value.typeName))")
                }
                guard range.contains(Int(number)) else {
                    throw KeyError(
                        "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
                }
                config[keyPath: keyPath] = Int(number)
            }, fromEnvironment: { Int64($0.trimmingWhitespace).map(TOMLValue.integer) })
    }

    static func number(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, Double>,
        _ range: ClosedRange<Double>
    ) -> Self {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                let number: Double
                switch value {
                case .integer(let integer): number = Double(integer)
                case .float(let float): number = float
                default: throw KeyError("must be a number (got \(value.typeName))")
                }
                guard range.contains(number) else {
                    throw KeyError(
                        "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
                }
                config[keyPath: keyPath] = number
            },
            fromEnvironment: { text in
                let trimmed = text.trimmingWhitespace
                if let integer = Int64(trimmed) { return .integer(integer) }
                return Double(trimmed).map(TOMLValue.float)
            })
    }

    static func boolean(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, Bool>
    ) -> Self {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                guard case .boolean(let flag) = value else {
                    throw KeyError("must be true or false (got \(value.typeName))")
                }
                config[keyPath: keyPath] = flag
            },
            fromEnvironment: { text in
                switch text.trimmingWhitespace.lowercased() {
                case "true", "1", "yes", "on": .boolean(true)
                case "false", "0", "no", "off": .boolean(false)
                default: nil
                }
            })
    }

    static func choice<Value: RawRepresentable & CaseIterable>(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, Value>
    ) -> Self where Value.RawValue == String {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
                guard case .string(let text) = value, let choice = Value(rawValue: text) else {
                    throw KeyError("must be one of \(allowed)")
                }
                config[keyPath: keyPath] = choice
            }, fromEnvironment: { .string($0.trimmingWhitespace) })
    }

    static func strings(
        _ section: String, _ name: String, _ keyPath: WritableKeyPath<Configuration, [String]>
    ) -> Self {
        Self(
            section: section, name: name,
            apply: { config, value throws(KeyError) in
                guard case .array(let items) = value else { throw KeyError("must be an array of strings") }
                var strings: [String] = []
                for item in items {
                    guard case .string(let text) = item else { throw KeyError("must be an array of strings") }
                    strings.append(text)
                }
                config[keyPath: keyPath] = strings
            },
            fromEnvironment: { text in
                .array(text.split(separator: ",").map { .string(String($0).trimmingWhitespace) })
            })
    }
}

extension TOMLValue {
    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .boolean: "a boolean"
        case .datetime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
