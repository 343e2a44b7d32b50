import Foundation

/// Reads recipients and their diagnostics out of the human-readable text of an NDR
/// that has no (usable) delivery-status part: Exim, qmail, Postfix and Sendmail
/// without DSN, Exchange, Gmail, Yahoo, GMX, T-Online, Domino, GroupWise, …
///
/// Rather than one template per server, it reads the layout they share: a recipient
/// address on a line, followed by the server's words until a blank line or the next
/// recipient; the returned original (after a marker line) is ignored.
struct BounceTextScanner {
    struct Finding: Equatable {
        var address: String
        var diagnostic: String?
        var remoteMTA: String?
    }

    /// Addresses never reported as recipients: our own, the daemon's, the original sender's.
    var excluded: Set<String>

    private struct Occurrence {
        var key: String
        var address: String
        var line: Int
        var start: Int
        var end: Int
        var weak: Bool
    }

    /// Splits NDR text at the start of the returned original: the human-readable
    /// lines, and the lines of the original (empty when none is pasted in).
    static func split(_ text: [UInt8]) -> (human: [ArraySlice<UInt8>], original: [ArraySlice<UInt8>]) {
        let lines = ByteText.lines(text.prefix(256 * 1024))
        for (index, line) in lines.enumerated() where index > 0 {
            if BounceSignatures.originalMarkers.matches(in: line.prefix(200)) {
                return (Array(lines[..<index]), Array(lines[(index + 1)...]))
            }
            if BounceSignatures.headerLineStarts.matchesPrefix(of: line.prefix(40)) {
                return (Array(lines[..<index]), Array(lines[index...]))
            }
        }
        return (lines, [])
    }

    func scan(_ lines: [ArraySlice<UInt8>]) -> [Finding] {
        let occurrences = self.occurrences(lines)
        let strong = occurrences.filter { !$0.weak }
        let chosen = strong.isEmpty ? occurrences : strong
        var order: [String] = []
        var byKey: [String: [Occurrence]] = [:]
        for occurrence in chosen {
            if byKey[occurrence.key] == nil { order.append(occurrence.key) }
            byKey[occurrence.key, default: []].append(occurrence)
        }
        let lineOwners = Dictionary(
            chosen.map { ($0.line, $0.key) }, uniquingKeysWith: { first, _ in first })
        var findings: [Finding] = []
        for key in order.prefix(200) {
            let mine = byKey[key] ?? []
            let blocks = mine.map { block(after: $0, lines: lines, owners: lineOwners) }
            let best = blocks.max(by: { score($0) < score($1) }) ?? ""
            findings.append(
                Finding(
                    address: mine[0].address, diagnostic: best.isEmpty ? nil : best,
                    remoteMTA: remoteMTA(in: best)))
        }
        return withGlobalDiagnostic(findings, lines: lines, owners: lineOwners)
    }

    private func occurrences(_ lines: [ArraySlice<UInt8>]) -> [Occurrence] {
        var result: [Occurrence] = []
        var inSuggestions = false
        for (number, line) in lines.enumerated() {
            // A directory's "did you mean …?" offers other addresses, up to the next blank line.
            if Self.suggestionWords.matches(in: line) {
                inSuggestions = true
                continue
            }
            if inSuggestions {
                if ByteText.isBlankLine(line) { inSuggestions = false }
                continue
            }
            guard line.contains(UInt8(ascii: "@")) else { continue }
            if Self.skippedLinePrefixes.matchesPrefix(of: line.prefix(60))
                || Self.skippedLineWords.matches(in: line)
            {
                continue
            }
            let weak = Self.weakLinePrefixes.matchesPrefix(of: line.prefix(30))
            for match in EmailAddressScanner.matches(in: line) {
                let key = match.address.lowercased()
                let local = key.split(separator: "@").first.map(String.init) ?? ""
                guard !excluded.contains(key), !BounceSignatures.daemonLocalParts.contains(local),
                    !isSenderMention(line, before: match.start)
                else { continue }
                result.append(
                    Occurrence(
                        key: key, address: match.address, line: number, start: match.start, end: match.end,
                        weak: weak))
            }
        }
        return result
    }

    /// "MAIL FROM:<…>" and "from <…>" name the sender, not a recipient.
    private func isSenderMention(_ line: ArraySlice<UInt8>, before start: Int) -> Bool {
        let window = ByteText.lowercased(line[max(line.startIndex, start - 14)..<start])[...]
        return ByteText.contains(Array("from".utf8), in: window)
            || ByteText.contains(Array("sender".utf8), in: window)
    }

    /// The server's words about one recipient: the rest of its line and the lines that
    /// follow, up to a blank line or another recipient; a bare address line ("was not
    /// delivered to:\n\n  a@b\n\nbecause:\n\n  …") borrows the following paragraphs.
    private func block(
        after occurrence: Occurrence, lines: [ArraySlice<UInt8>], owners: [Int: String]
    ) -> String {
        let line = lines[occurrence.line]
        // The words may come before the address ("Unknown user: a@b") or after it.
        var first = Array(line[line.startIndex..<occurrence.start])
        if first.last == UInt8(ascii: "<") { first.removeLast() }
        var rest = line[occurrence.end...]
        if rest.first == UInt8(ascii: ">") { rest = rest.dropFirst() }
        first.append(32)
        first.append(contentsOf: rest)
        var pieces: [ArraySlice<UInt8>] = [ByteText.trimmed(first[...])]
        var index = occurrence.line + 1
        var extensions = 0
        while index < lines.count, pieces.count < 12 {
            if let owner = owners[index], owner != occurrence.key { break }
            if ByteText.isBlankLine(lines[index]) {
                guard needsMore(pieces), extensions < 2 else { break }
                extensions += 1
                while index < lines.count, ByteText.isBlankLine(lines[index]) { index += 1 }
                continue
            }
            pieces.append(ByteText.trimmed(lines[index]))
            index += 1
        }
        if pieces.allSatisfy(\.isEmpty),
            let previous = previousLine(before: occurrence.line, lines: lines, owners: owners)
        {
            // A bare address under its reason (Lotus Notes: "Error …\na@b").
            pieces = [previous]
        }
        return Self.clean(pieces)
    }

    private func previousLine(before line: Int, lines: [ArraySlice<UInt8>], owners: [Int: String]) -> ArraySlice<UInt8>?
    {
        guard line > 0, owners[line - 1] == nil else { return nil }
        let previous = ByteText.trimmed(lines[line - 1])
        return previous.isEmpty || previous.last == UInt8(ascii: ":") ? nil : previous
    }

    private func needsMore(_ pieces: [ArraySlice<UInt8>]) -> Bool {
        let letters = pieces.reduce(0) {
            $0 + $1.count(where: { ByteText.lower($0) >= 97 && ByteText.lower($0) <= 122 })
        }
        return letters < 12 || pieces.last(where: { !$0.isEmpty })?.last == UInt8(ascii: ":")
    }

    private func score(_ block: String) -> Int {
        var score = 0
        if StatusCodeScanner.enhancedStatus(in: block) != nil { score += 4 }
        if StatusCodeScanner.replyCode(in: block) != nil { score += 3 }
        if BounceReason.from(diagnostic: block, status: nil) != .unknown { score += 2 }
        return score
    }

    /// When a recipient's block names no code, the text often does elsewhere
    /// ("The response from the remote server was: 550 5.1.1 …").
    private func withGlobalDiagnostic(
        _ findings: [Finding], lines: [ArraySlice<UInt8>], owners: [Int: String]
    ) -> [Finding] {
        let lacking = findings.filter { score($0.diagnostic ?? "") < 3 }
        guard !lacking.isEmpty, lacking.count == findings.count || findings.count == 1 else {
            return findings
        }
        guard let global = Self.globalDiagnostic(lines, owners: owners) else { return findings }
        return findings.map { finding in
            guard score(finding.diagnostic ?? "") < 3 else { return finding }
            var updated = finding
            let own = score(finding.diagnostic ?? "") > 0 ? finding.diagnostic : nil
            updated.diagnostic = [own, global].compactMap { $0 }.joined(separator: " ")
            updated.remoteMTA = updated.remoteMTA ?? remoteMTA(in: global)
            return updated
        }
    }

    /// The first paragraph of the text that quotes a reply or status code, from its
    /// code line on: the diagnostic of an NDR that names no recipient in its text
    /// (the address only in X-Failed-Recipients).
    static func globalDiagnostic(_ lines: [ArraySlice<UInt8>], owners: [Int: String] = [:]) -> String? {
        guard let index = lines.indices.first(where: { owners[$0] == nil && hasCode(lines[$0]) }) else {
            return nil
        }
        var pieces: [ArraySlice<UInt8>] = []
        var cursor = index
        while cursor < lines.count, !ByteText.isBlankLine(lines[cursor]), pieces.count < 6 {
            pieces.append(ByteText.trimmed(lines[cursor]))
            cursor += 1
        }
        return clean(pieces)
    }

    /// The first paragraph whose words name a reason: the diagnostic of an NDR that quotes
    /// no code at all (Google Groups' "you may not have permission to post").
    static func reasonParagraph(_ lines: [ArraySlice<UInt8>]) -> String? {
        var paragraph: [ArraySlice<UInt8>] = []
        for line in Array(lines.prefix(400)) + [ArraySlice<UInt8>()] {
            if !ByteText.isBlankLine(line) {
                if paragraph.count < 8 { paragraph.append(ByteText.trimmed(line)) }
                continue
            }
            if !paragraph.isEmpty {
                let text = clean(paragraph)
                if BounceReason.from(diagnostic: text, status: nil) != .unknown { return text }
            }
            paragraph = []
        }
        return nil
    }

    private static func hasCode(_ line: ArraySlice<UInt8>) -> Bool {
        let text = ByteText.string(line)
        return StatusCodeScanner.replyCode(in: text) != nil
            || StatusCodeScanner.enhancedStatus(in: text) != nil
    }

    /// One line of text: blanks collapsed, leading punctuation and "<>" leftovers gone, at most 1,000 characters.
    static func clean(_ pieces: [ArraySlice<UInt8>]) -> String {
        var output: [UInt8] = []
        for piece in pieces where !piece.isEmpty {
            if !output.isEmpty { output.append(32) }
            output.append(contentsOf: piece)
        }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(output.count)
        for byte in output {
            let blank = ByteText.isBlank(byte) || byte == ByteText.cr || byte == ByteText.lf
            if blank {
                if collapsed.last != 32 { collapsed.append(32) }
            } else {
                collapsed.append(byte)
            }
        }
        var slice = collapsed[...]
        while let first = slice.first, ":>;,)]".utf8.contains(first) || first == 32 {
            slice = slice.dropFirst()
        }
        let text = ByteText.string(ByteText.trimmed(slice))
        return text.count > 1000 ? String(text.prefix(1000)) : text
    }

    /// "host mx.example.com[192.0.2.1] said" and "host mx.example.com [192.0.2.1]:" name the remote MTA.
    private func remoteMTA(in text: String) -> String? {
        guard let range = text.range(of: "host ", options: .caseInsensitive) else { return nil }
        let name = text[range.upperBound...].prefix {
            !$0.isWhitespace && $0 != "[" && $0 != ":" && $0 != ","
        }
        guard name.contains("."), name.count > 3,
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" })
        else {
            return nil
        }
        return name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    private static let skippedLinePrefixes = PhraseSet([
        "from:", "sender:", "reply-to:", "return-path:", "message-id:", "references:", "in-reply-to:",
        "received:",
        "generating server:", "reporting-mta", "received-from-mta", "x-", "subject:", "date:", "sent:",
        "von:",
        "gesendet:", "betreff:", "datum:", "absender:", "envelope-from", "mail from", ">>> mail from",
        "dkim-",
        "list-", "original-envelope-id", "the message identifier", "the subject of the message",
        "the date of the message",
    ])

    private static let skippedLineWords = PhraseSet([
        "message-id", "message id", "msgid", "postmaster@", "mailer-daemon@", "abuse@", "https://",
        "http://",
    ])

    private static let suggestionWords = PhraseSet([
        "did you mean", "perhaps you meant", "you may have meant", "similar addresses", "possible matches",
        "meinten sie", "vouliez-vous dire",
    ])

    private static let weakLinePrefixes = PhraseSet([
        "to:", "an:", "cc:", "original-recipient", "à:", "para:",
    ])
}
