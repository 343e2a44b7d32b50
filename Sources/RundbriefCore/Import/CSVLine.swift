import Foundation

/// One RFC 4180 CSV line as `subscribers export` writes it: CRLF-terminated, quoted where needed, and
/// safe to open in a spreadsheet.
///
/// Spreadsheets evaluate a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// (formulas, DDE): a name entered through the public form could otherwise run `-1+HYPERLINK(…)` on
/// the machine of whoever opens the export. Text cells that start so get a `'` in front (which
/// spreadsheets read as "this is text"), and so do cells that start with `'` themselves, so that
/// ``restored(_:)`` can undo it exactly and an import reads its own export back unchanged.
/// Addresses are never altered: they are quoted instead (an address is not a formula a spreadsheet
/// can run, and `=1+2@example.org` must stay that address).
public enum CSVLine {
    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// The line for `fields`.
    /// - Parameter verbatim: indexes of fields written unaltered (quoted when they start like a formula).
    public static func make(_ fields: [String], verbatim: Set<Int> = []) -> String {
        fields.enumerated().map { index, field in
            verbatim.contains(index)
                ? quote(field, always: startsLikeFormula(field)) : quote(neutralised(field), always: false)
        }.joined(separator: ",") + "\r\n"
    }

    /// `value` as a text cell: a leading formula character, or a leading `'`, gets a `'` in front.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, formulaStarts.contains(first) || first == "'" else {
            return value
        }
        return "'" + value
    }

    /// The value a cell written by ``neutralised(_:)`` stands for.
    public static func restored(_ cell: String) -> String {
        var scalars = cell.unicodeScalars.makeIterator()
        guard scalars.next() == "'", let second = scalars.next(), formulaStarts.contains(second) || second == "'"
        else { return cell }
        return String(cell.unicodeScalars.dropFirst())
    }

    private static func startsLikeFormula(_ value: String) -> Bool {
        value.unicodeScalars.first.map { formulaStarts.contains($0) } ?? false
    }

    private static func quote(_ field: String, always: Bool) -> String {
        guard always || field.contains(where: { $0 == "," || $0 == "\"" || $0 == ";" || $0.isNewline }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
