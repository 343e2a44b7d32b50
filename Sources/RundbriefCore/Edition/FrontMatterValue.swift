/// A value from an edition's YAML front matter, kept in a `Sendable` form.
///
/// Keys the edition model does not know are kept as these values, so a custom
/// template or a later version can use them.
public indirect enum FrontMatterValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([FrontMatterValue])
    case map([String: FrontMatterValue])

    /// The value as text when it is a scalar, `nil` for lists and maps.
    public var text: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value): return value
        case .list, .map: return nil
        }
    }

    /// The value as something swift-mustache can walk (dictionaries, arrays, scalars).
    var templateValue: Any {
        switch self {
        case .null: return ""
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .list(let values): return values.map(\.templateValue)
        case .map(let values): return values.mapValues(\.templateValue)
        }
    }
}
