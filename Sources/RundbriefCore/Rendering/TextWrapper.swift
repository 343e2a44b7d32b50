/// Greedy word wrapping that counts characters (grapheme clusters), not bytes.
///
/// Breaks only at spaces, so a word or URL is never split; a word longer than the
/// width stands alone on its line. No-break spaces (U+00A0) stay inside their word.
enum TextWrapper {
    /// Wraps `text` to lines of at most `width` characters where the words allow it;
    /// `\n` in `text` forces a line break.
    static func wrap(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
            wrapLine($0, width: width)
        }
    }

    private static func wrapLine(_ line: Substring, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var currentCount = 0
        for word in line.split(separator: " ") {
            let wordCount = word.count
            if currentCount > 0, currentCount + 1 + wordCount > width {
                lines.append(current)
                current = ""
                currentCount = 0
            }
            if currentCount > 0 {
                current += " "
                currentCount += 1
            }
            current += word
            currentCount += wordCount
        }
        lines.append(current)
        return lines
    }
}
