/// TOML 1.0 (https://toml.io/en/v1.0.0), parsed by hand.
///
/// TOMLKit 0.6.0 would resolve from the package mirror (its one missing dependency, swift-checkit, is
/// used only by its own tests), but it wraps the C++ library toml++, adding a C++ target to every
/// build; this parser is small, tested here, and its `TOMLError` carries line and column in our words.
public enum TOML {
    /// Parses a whole document.
    /// - Throws: `TOMLError` with the line and column of the first problem.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parse()
    }
}
