import Foundation
import GRDB
import RundbriefCore

/// A segment expression as a SQL condition over `s` (subscribers) and `sc` (the subscription to
/// the list). Every value and every attribute path is a bound argument: nothing the editor typed is
/// pasted into the SQL text.
struct SegmentQuery {
    var sql: String
    var arguments: StatementArguments

    /// The SQL function that folds case for comparisons (``SegmentText/fold(_:)``); a missing
    /// field (NULL) folds to the empty text, so negation needs no NULL logic.
    static let foldFunction = DatabaseFunction("rundbrief_fold", argumentCount: 1, pure: true) { values in
        switch values[0].storage {
        case .null: ""
        case .string(let text): SegmentText.fold(text)
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .blob(let data): SegmentText.fold(String(decoding: data, as: UTF8.self))
        }
    }

    /// Makes the fold function available on `db` (connections of a pool each need it).
    static func prepare(_ db: Database) {
        db.add(function: foldFunction)
    }

    /// - Parameter timeZone: where the days of `subscribed_before` / `subscribed_after` begin.
    init(_ expression: SegmentExpression, timeZone: TimeZone) {
        var arguments = StatementArguments()
        sql = Self.condition(expression, timeZone: timeZone, arguments: &arguments)
        self.arguments = arguments
    }

    private static func condition(
        _ expression: SegmentExpression, timeZone: TimeZone, arguments: inout StatementArguments
    ) -> String {
        switch expression {
        case .equals(let field, let value):
            let column = folded(field, arguments: &arguments)
            arguments += [comparable(value, for: field)]
            return "\(column) = ?"
        case .notEquals(let field, let value):
            let column = folded(field, arguments: &arguments)
            arguments += [comparable(value, for: field)]
            return "\(column) != ?"
        case .isIn(let field, let values):
            let column = folded(field, arguments: &arguments)
            for value in values { arguments += [comparable(value, for: field)] }
            return "\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))"
        case .has(let field):
            switch field {
            case .email, .domain: return "1"
            case .name: return "s.name != ''"
            case .attribute(let name):
                arguments += [path(name)]
                return "coalesce(json_extract(s.attributes, ?), '') != ''"
            }
        case .subscribedBefore(let time):
            arguments += [time.start(in: timeZone)]
            return "sc.created_at < ?"
        case .subscribedAfter(let time):
            arguments += [time.end(in: timeZone)]
            return "sc.created_at >= ?"
        case .not(let inner):
            return "NOT (\(condition(inner, timeZone: timeZone, arguments: &arguments)))"
        case .and(let left, let right):
            let lhs = condition(left, timeZone: timeZone, arguments: &arguments)
            return "(\(lhs)) AND (\(condition(right, timeZone: timeZone, arguments: &arguments)))"
        case .or(let left, let right):
            let lhs = condition(left, timeZone: timeZone, arguments: &arguments)
            return "(\(lhs)) OR (\(condition(right, timeZone: timeZone, arguments: &arguments)))"
        }
    }

    /// The filter's text as stored values are written, folded: an address or domain with umlauts
    /// in its domain is stored in punycode (`ida@bönen.de` is `ida@xn--bnen-5qa.de`).
    static func comparable(_ value: String, for field: SegmentField) -> String {
        switch field {
        case .email: SegmentText.fold((try? EmailAddress(value).value) ?? value)
        case .domain: SegmentText.fold((try? IDNA.toASCII(value)) ?? value)
        case .name, .attribute: SegmentText.fold(value)
        }
    }

    private static func folded(_ field: SegmentField, arguments: inout StatementArguments) -> String {
        switch field {
        case .email: return "rundbrief_fold(s.email)"
        case .name: return "rundbrief_fold(s.name)"
        case .domain: return "rundbrief_fold(substr(s.email, instr(s.email, '@') + 1))"
        case .attribute(let name):
            arguments += [path(name)]
            return "rundbrief_fold(json_extract(s.attributes, ?))"
        }
    }

    /// The JSON path of an attribute: `$."name"` (the parser refuses names with `"`, which SQLite's
    /// quoted path labels cannot hold).
    static func path(_ name: String) -> String { "$.\"\(name)\"" }
}
