/// Reads the inside of an opening tag (`a href="x" title='y'`) into a name and attributes.
enum TagReader {
    /// - Returns: the lowercase element name, attributes with decoded values, and whether it ends in `/`.
    static func read(_ tag: String) -> (name: String, attributes: [String: String], selfClosing: Bool) {
        var scalars = Substring(tag).unicodeScalars[...]
        let selfClosing = scalars.last == "/"
        if selfClosing { scalars = scalars.dropLast() }
        let name = String(String.UnicodeScalarView(scalars.prefix { !isSpace($0) })).lowercased()
        scalars = scalars.drop { !isSpace($0) }
        var attributes: [String: String] = [:]
        while let (key, value) = nextAttribute(&scalars) {
            attributes[key] = value
        }
        return (name, attributes, selfClosing)
    }

    private static func nextAttribute(_ scalars: inout Substring.UnicodeScalarView.SubSequence) -> (
        String, String
    )? {
        scalars = scalars.drop(while: isSpace)
        guard !scalars.isEmpty else { return nil }
        let key = String(String.UnicodeScalarView(scalars.prefix { !isSpace($0) && $0 != "=" }))
            .lowercased()
        scalars = scalars.drop { !isSpace($0) && $0 != "=" }
        scalars = scalars.drop(while: isSpace)
        guard scalars.first == "=" else { return (key, "") }
        scalars = scalars.dropFirst().drop(while: isSpace)
        let raw: Substring.UnicodeScalarView.SubSequence
        if let quote = scalars.first, quote == "\"" || quote == "'" {
            scalars = scalars.dropFirst()
            raw = scalars.prefix { $0 != quote }
            scalars = scalars.dropFirst(raw.count + 1)
        } else {
            raw = scalars.prefix { !isSpace($0) }
            scalars = scalars.dropFirst(raw.count)
        }
        return (key, HTMLEntities.decode(String(String.UnicodeScalarView(raw))))
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }
}
