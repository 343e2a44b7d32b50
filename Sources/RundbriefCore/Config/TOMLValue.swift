/// A TOML value. Date-times are kept as the text they were written as (validated, not converted),
/// since configuration rarely needs them and their meaning depends on the offset.
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The string, if this is one.
    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The integer, if this is one.
    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The number as a `Double`, if this is a float or an integer.
    public var double: Double? {
        switch self {
        case .float(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The boolean, if this is one.
    public var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    /// The elements, if this is an array (including an array of tables).
    public var array: [TOMLValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The table, if this is one.
    public var table: TOMLTable? {
        if case .table(let value) = self { value } else { nil }
    }

    /// A word for error messages ("expected a string, found an integer").
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .datetime: "a date-time"
        case .array: "an array"
        case .table: "a table"
        }
    }
}
