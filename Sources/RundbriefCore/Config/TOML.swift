/// TOML 1.0 (https://toml.io/en/v1.0.0), parsed by hand: no TOML package resolves for this toolchain.
public enum TOML {
    /// Parses a whole document.
    /// - Throws: `TOMLError` with the line and column of the first problem.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(text)
        return try parser.parse()
    }
}
