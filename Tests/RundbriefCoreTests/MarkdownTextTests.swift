import PropertyBased
import Testing

@testable import RundbriefCore

@Suite("Markdown to plain text")
struct MarkdownTextTests {
    private func text(_ markdown: String, width: Int = 72) -> String {
        MarkdownDocument(markdown: markdown).plainText(width: width)
    }

    @Test func headingsAreUnderlined() {
        #expect(
            text("# Newsletter III /2025\n\n## Ankündigung\n\n### Klein\n") == """
                Newsletter III /2025
                ====================

                Ankündigung
                -----------

                Klein

                """)
    }

    @Test func paragraphsWrapAtWordBoundaries() {
        let output = text(String(repeating: "Zusammenarbeit über Grenzen ", count: 12))
        let lines = output.split(separator: "\n")
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.count <= 72 })
        #expect(lines.allSatisfy { !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
        #expect(
            lines.joined(separator: " ")
                == String(repeating: "Zusammenarbeit über Grenzen ", count: 12).dropLast())
    }

    @Test func longWordsAndURLsStayWhole() {
        let url = "https://www.example.org/" + String(repeating: "pfad/", count: 20) + "?a=1&b=2"
        let output = text("Siehe [hier](\(url)) bitte.")
        #expect(output == "Siehe hier\n<\(url)>\nbitte.\n")
    }

    @Test func listsHangUnderTheirMarker() {
        let item = String(repeating: "Wort ", count: 30)
        let output = text("- \(item)\n- kurz\n\n1. erstens\n2. \(item)\n")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("- Wort Wort"))
        #expect(lines[1].hasPrefix("  Wort"))
        #expect(lines.contains("- kurz"))
        #expect(lines.contains("1. erstens"))
        #expect(lines.contains { $0.hasPrefix("2. Wort") })
        #expect(lines.contains { $0.hasPrefix("   Wort") })
        #expect(lines.allSatisfy { $0.count <= 72 })
    }

    @Test func linksReadAsTextAndURL() {
        #expect(
            text("[Portal](https://www.interkommunales.nrw/)")
                == "Portal <https://www.interkommunales.nrw/>\n")
        #expect(text("[https://a.example/](https://a.example/)") == "<https://a.example/>\n")
        #expect(text("[info@example.org](mailto:info@example.org)") == "<mailto:info@example.org>\n")
        #expect(text("[Klick](javascript:alert(1))") == "Klick\n")
    }

    @Test func emphasisMarkersDropAndQuotesCarryMarker() {
        #expect(text("Ein *kursiver* und **fetter** Text") == "Ein kursiver und fetter Text\n")
        #expect(text("> Ein Zitat über\n> zwei Zeilen\n") == "> Ein Zitat über zwei Zeilen\n")
    }

    @Test func entitiesAndAmpersandsReadAsText() {
        #expect(
            text("Krisenvorsorge & Resilienz &amp; mehr &lt;b&gt;")
                == "Krisenvorsorge & Resilienz & mehr <b>\n")
    }

    @Test func nestedListsAndCodeBlocks() {
        // Ink ends a nested list only at a blank line, so the nested list comes last here.
        let output = text("- oben\n- unten\n    1. innen\n    2. auch innen\n\n```\nlet x = 1 &&  2\n```\n")
        #expect(output == "- oben\n- unten\n  1. innen\n  2. auch innen\n\n    let x = 1 &&  2\n")
    }

    @Test func hardBreaksAndRules() {
        #expect(text("Zeile eins  \nZeile zwei\n\n---\n\nDanach") == "Zeile eins\nZeile zwei\n\n* * *\n\nDanach\n")
    }

    @Test func wrappingKeepsEveryWordAndRespectsWidth() async {
        let words = Gen<Character?>.element(of: Array("abcäöüßé€xyz") as [Character]).map { $0! }
            .string(of: 1...14).array(of: 0...80)
        let long = Gen.letter.string(of: 73...120)
        await propertyCheck(input: words, long) { words, long in
            let all = words + [long] + words.prefix(3)
            let lines = TextWrapper.wrap(all.joined(separator: " "), width: 72)
            #expect(lines.joined(separator: " ").split(separator: " ").map(String.init) == all)
            for line in lines {
                #expect(line.count <= 72 || !line.contains(" "))
            }
            for (line, next) in zip(lines, lines.dropFirst()) {
                let firstWord = next.split(separator: " ").first.map(String.init) ?? ""
                #expect(line.count + 1 + firstWord.count > 72, "greedy: the next word would have fit")
            }
        }
    }
}
