import Foundation
import Testing

@testable import RundbriefCore

@Suite("Markdown to email HTML")
struct MarkdownHTMLTests {
    private func html(_ markdown: String) -> String {
        MarkdownDocument(markdown: markdown).html
    }

    @Test func ampersandInLinkTargetIsEscapedOnce() {
        let output = html(
            "[Suche](https://example.org/?a=1&b=2) und [schon](https://example.org/?a=1&amp;b=2)")
        #expect(output.contains("href=\"https://example.org/?a=1&amp;b=2\""))
        #expect(!output.contains("&amp;amp;"))
        #expect(output.components(separatedBy: "href=\"https://example.org/?a=1&amp;b=2\"").count == 3)
    }

    @Test func ampersandInTextIsEscaped() {
        #expect(html("Krisenvorsorge & Resilienz").contains("Krisenvorsorge &amp; Resilienz"))
    }

    @Test func blocksCarryInlineStyles() {
        let output = html("## Titel\n\nAbsatz\n\n- eins\n- zwei\n\n> Zitat\n\n1. a\n2. b\n")
        #expect(output.contains("<h2 style=\"margin:28px 0 12px 0;"))
        #expect(
            output.contains("<p style=\"margin:0 0 16px 0;font-size:16px;line-height:1.55;\">Absatz</p>"))
        #expect(output.contains("<ul style=\""))
        #expect(output.contains("<li style=\"margin:0 0 8px 0;\">eins</li>"))
        #expect(
            output.contains(
                "<blockquote style=\"margin:0 0 16px 0;padding:2px 0 2px 16px;border-left:4px solid"))
        #expect(output.contains("<ol style=\""))
        #expect(!output.contains("<p>"))
    }

    @Test func externalLinksAreStyledAndSafe() {
        let output = html("[Portal](https://www.interkommunales.nrw/)")
        #expect(
            output.contains(
                "<a href=\"https://www.interkommunales.nrw/\" target=\"_blank\" rel=\"noopener noreferrer\" style=\"color:#0b5cab;text-decoration:underline;\">Portal</a>"
            ))
        let mail = html("[Schreiben](mailto:info@example.org)")
        #expect(mail.contains("<a href=\"mailto:info@example.org\" style="))
    }

    @Test(arguments: [
        "javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
        "vbscript:x",
    ])
    func scriptLinksLoseTheirTarget(target: String) {
        let output = html("[Klick](\(target))")
        #expect(!output.contains("<a"))
        #expect(output.contains("Klick"))
    }

    @Test func rawScriptAndStyleAreDropped() {
        let output = html(
            "Vorher\n\n<script>alert('x')</script>\n\n<div onclick=\"x()\">Nachher</div>\n")
        #expect(!output.contains("script"))
        #expect(!output.contains("alert"))
        #expect(!output.contains("onclick"))
        #expect(output.contains("Nachher"))
    }

    @Test func emphasisAndCode() {
        let output = html("Ein *kursiver*, **fetter** und `code` Text")
        #expect(output.contains("<em style=\"font-style:italic;\">kursiver</em>"))
        #expect(output.contains("<strong style=\"font-weight:bold;\">fetter</strong>"))
        #expect(output.contains("<code style="))
    }

    @Test func entitiesInTextAreDecodedThenReescaped() {
        let output = html("5 &lt; 6 &amp; „Zitat“ &nbsp;")
        #expect(output.contains("5 &lt; 6 &amp; „Zitat“ \u{00A0}"))
    }
}
