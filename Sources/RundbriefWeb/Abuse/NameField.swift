import Foundation

/// Checks the free-text name a person types into the sign-up form.
enum NameField {
    /// Unicode code points, not characters: one "character" (grapheme cluster) can carry thousands
    /// of combining marks. 100 code points are at most 400 bytes of UTF-8.
    static let maxCodePoints = 100

    /// The trimmed name, or `nil` when it holds control characters (CR/LF header injection,
    /// NUL, escape sequences), Unicode line separators or bidi overrides, or is too long.
    static func validated(_ raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard name.unicodeScalars.count <= maxCodePoints else { return nil }
        for scalar in name.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: return nil
            default: break
            }
            // Bidi overrides and isolates can make a name display as something else.
            if (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
                return nil
            }
        }
        return name
    }
}
