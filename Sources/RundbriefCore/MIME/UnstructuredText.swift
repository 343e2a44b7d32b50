/// Turns unstructured header text into atoms for folding: plain ASCII words
/// where that is exact, encoded words everywhere else.
///
/// Folding and unfolding preserve single spaces between atoms, and decoders drop
/// the whitespace between adjacent encoded words. So a word is encoded when it is
/// not plain ASCII, contains `=?`, is too long to fold, or touches whitespace that
/// is not one single space between two words (leading, trailing, tabs, runs):
/// that whitespace then travels inside the encoded word and survives exactly.
enum UnstructuredText {
    /// The longest plain word that still fits a folded line (` ` + word ≤ 78).
    static let longestPlainWord = HeaderFolding.preferredLineLength - 1

    /// - Parameter nameLength: The field name's length; the first line also holds `Name: `.
    static func atoms(_ text: String, nameLength: Int) -> [String] {
        // RFC 2047 §2 wants lines with encoded words at most 76 characters long.
        let firstEncodedLimit = 76 - nameLength - 2
        let (separators, words) = split(text)
        guard !words.isEmpty else {
            return text.isEmpty ? [] : EncodedWord.encode(text, firstMaxLength: firstEncodedLimit)
        }
        var encode = encodingFlags(separators: separators, words: words)
        if words[0].utf8.count > HeaderFolding.preferredLineLength - nameLength - 2 { encode[0] = true }
        var atoms: [String] = []
        var run = ""
        for index in words.indices {
            if !encode[index] {
                atoms.append(String(words[index]))
                continue
            }
            if index == 0 { run += separators[0] }
            run += words[index]
            let isLast = index == words.count - 1
            if isLast || encode[index + 1] {
                run += separators[index + 1]
            }
            if isLast || !encode[index + 1] {
                atoms += EncodedWord.encode(
                    run, firstMaxLength: atoms.isEmpty ? firstEncodedLimit : EncodedWord.maxLength)
                run = ""
            }
        }
        return atoms
    }

    /// Returns words and the separators around them: `separators[i]` precedes `words[i]`,
    /// and the last separator follows the last word (either may be empty).
    private static func split(_ text: String) -> ([Substring], [Substring]) {
        var separators: [Substring] = []
        var words: [Substring] = []
        var index = text.startIndex
        while true {
            let wordStart = text[index...].firstIndex { $0 != " " && $0 != "\t" } ?? text.endIndex
            separators.append(text[index..<wordStart])
            guard wordStart < text.endIndex else { break }
            let wordEnd = text[wordStart...].firstIndex { $0 == " " || $0 == "\t" } ?? text.endIndex
            words.append(text[wordStart..<wordEnd])
            index = wordEnd
        }
        return (separators, words)
    }

    private static func encodingFlags(separators: [Substring], words: [Substring]) -> [Bool] {
        var encode = words.map { !isPlain($0) }
        for (index, separator) in separators.enumerated() {
            let isInner = index > 0 && index < words.count
            guard !(isInner && separator == " ") && !(separator.isEmpty && !isInner) else { continue }
            if index > 0 { encode[index - 1] = true }
            if index < words.count { encode[index] = true }
        }
        return encode
    }

    private static func isPlain(_ word: Substring) -> Bool {
        word.utf8.count <= longestPlainWord && !word.contains("=?")
            && word.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
