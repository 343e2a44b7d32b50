/// A rough HTML-to-text conversion for NDRs that only come as HTML: tags go,
/// block ends become line breaks, scripts and styles vanish, common entities decode.
enum HTMLText {
    private static let breakingTags: Set<String> = [
        "br", "p", "/p", "div", "/div", "tr", "/tr", "li", "/li", "table", "/table", "h1", "h2", "h3",
        "/h1",
        "/h2", "/h3", "blockquote", "/blockquote", "hr", "/td", "/th", "pre", "/pre",
    ]

    static func text(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var skipUntil: [UInt8]?
        var preformatted = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                let close =
                    ByteText.firstIndex(of: [UInt8(ascii: ">")], in: bytes[...], from: index) ?? bytes.count
                let name = tagName(bytes[(index + 1)..<close])
                if name == "pre" || name == "/pre" { preformatted = name == "pre" }
                if let end = skipUntil {
                    if name == String(decoding: end, as: UTF8.self) { skipUntil = nil }
                } else if name == "script" || name == "style" || name == "head" {
                    skipUntil = Array("/\(name)".utf8)
                } else if breakingTags.contains(name) {
                    output.append(ByteText.lf)
                } else if name == "td" || name == "th" {
                    output.append(32)
                }
                index = close + 1
                continue
            }
            if skipUntil == nil {
                if byte == UInt8(ascii: "&"), let (decoded, length) = entity(bytes, at: index) {
                    output.append(contentsOf: decoded)
                    index += length
                    continue
                }
                let isBreak = byte == ByteText.lf || byte == ByteText.cr
                output.append(isBreak && !preformatted ? 32 : byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func tagName(_ bytes: ArraySlice<UInt8>) -> String {
        var name: [UInt8] = []
        for byte in bytes.prefix(12) {
            if ByteText.isBlank(byte) || byte == UInt8(ascii: ">") || byte == ByteText.lf
                || byte == ByteText.cr
                || (byte == UInt8(ascii: "/") && !name.isEmpty)
            {
                break
            }
            name.append(ByteText.lower(byte))
        }
        return String(decoding: name, as: UTF8.self)
    }

    private static let entities: [String: String] = [
        "lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'", "nbsp": " ", "auml": "ä",
        "ouml": "ö",
        "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "eacute": "é", "egrave": "è",
    ]

    private static func entity(_ bytes: [UInt8], at index: Int) -> ([UInt8], Int)? {
        let limit = min(bytes.count, index + 10)
        var cursor = index + 1
        while cursor < limit, bytes[cursor] != UInt8(ascii: ";") { cursor += 1 }
        guard cursor < limit else { return nil }
        let name = String(decoding: bytes[(index + 1)..<cursor], as: UTF8.self)
        let length = cursor - index + 1
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (Array(String(Character(scalar)).utf8), length)
        }
        guard let text = entities[name] else { return nil }
        return (Array(text.utf8), length)
    }
}
