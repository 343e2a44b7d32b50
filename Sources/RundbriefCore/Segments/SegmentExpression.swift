/// A segment's filter: which members of a list it selects, as a syntax tree.
///
/// Parsed from the filter language by ``SegmentParser`` (`kommune = "Unna" and not has telefon`);
/// the store compiles it to parameterised SQL. Every comparison of text ignores case, and a field
/// that a subscriber does not have counts as empty text, so `not e` selects exactly the members
/// `e` does not.
public indirect enum SegmentExpression: Sendable, Hashable, CustomStringConvertible {
    /// `field = "text"`
    case equals(SegmentField, String)
    /// `field != "text"` (also true when the field is missing)
    case notEquals(SegmentField, String)
    /// `field in ("a", "b")`
    case isIn(SegmentField, [String])
    /// `has field`: the field is present and not empty.
    case has(SegmentField)
    /// `subscribed_before "2025-01-01"`: joined the list before that day (or minute) began.
    case subscribedBefore(SegmentTime)
    /// `subscribed_after "2025-01-01"`: joined the list after that day (or minute) ended.
    case subscribedAfter(SegmentTime)
    case not(SegmentExpression)
    case and(SegmentExpression, SegmentExpression)
    case or(SegmentExpression, SegmentExpression)

    /// The attribute names the expression reads, in order of first appearance.
    public var attributeNames: [String] {
        var names: [String] = []
        func visit(_ expression: SegmentExpression) {
            switch expression {
            case .equals(let field, _), .notEquals(let field, _), .isIn(let field, _), .has(let field):
                if case .attribute(let name) = field, !names.contains(name) { names.append(name) }
            case .subscribedBefore, .subscribedAfter: break
            case .not(let inner): visit(inner)
            case .and(let left, let right), .or(let left, let right):
                visit(left)
                visit(right)
            }
        }
        visit(self)
        return names
    }

    /// The expression in the filter language, canonically spelled: parsing it gives this expression back.
    public var description: String {
        switch self {
        case .equals(let field, let value): "\(field) = \(Self.quoted(value))"
        case .notEquals(let field, let value): "\(field) != \(Self.quoted(value))"
        case .isIn(let field, let values): "\(field) in (\(values.map(Self.quoted).joined(separator: ", ")))"
        case .has(let field): "has \(field)"
        case .subscribedBefore(let time): "subscribed_before \(Self.quoted(time.description))"
        case .subscribedAfter(let time): "subscribed_after \(Self.quoted(time.description))"
        case .not(let inner): "not " + inner.spelled(parenthesisedBelow: 3)
        case .and(let left, let right):
            left.spelled(parenthesisedBelow: 2) + " and " + right.spelled(parenthesisedBelow: 3)
        case .or(let left, let right):
            left.spelled(parenthesisedBelow: 1) + " or " + right.spelled(parenthesisedBelow: 2)
        }
    }

    /// How tightly the expression binds: `or` 1, `and` 2, everything else 3.
    private var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        default: 3
        }
    }

    private func spelled(parenthesisedBelow level: Int) -> String {
        precedence < level ? "(\(description))" : description
    }

    /// `text` as a literal of the language: in double quotes, with `"` and `\` escaped by a backslash.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}

/// What a comparison reads: a subscriber's own field or one of their attributes.
public enum SegmentField: Sendable, Hashable, CustomStringConvertible {
    /// The address.
    case email
    /// The subscriber's name.
    case name
    /// The address's domain (after the `@`, IDN domains in punycode).
    case domain
    /// An attribute by its (lower-case) name.
    case attribute(String)

    /// The field names that are not attributes.
    public static let builtIn: [String: SegmentField] = ["email": .email, "name": .name, "domain": .domain]

    public var description: String {
        switch self {
        case .email: "email"
        case .name: "name"
        case .domain: "domain"
        case .attribute(let name):
            SegmentLexer.isPlainIdentifier(name) && Self.builtIn[name] == nil && !SegmentLexer.keywords.contains(name)
                ? name : "attribute " + SegmentExpression.quoted(name)
        }
    }
}
