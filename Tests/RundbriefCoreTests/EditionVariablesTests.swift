import Foundation
import Testing

@testable import RundbriefCore

/// Subscriber variables in an edition's subject and body: rendered once, filled per recipient.
@Suite struct EditionVariablesTests {
    private let library: TemplateLibrary
    private let context = RenderContext(
        listName: "Kommunales", listSlug: "kommunales", senderName: "Landesamt", postalAddress: "Musterstraße 1",
        date: Date(timeIntervalSince1970: 1_756_375_200))

    init() throws {
        library = try TemplateLibrary(
            directory: "mem",
            sources: [
                "mem/edition.html.mustache": "<title>{{edition.subject}}</title>{{{edition.content}}}",
                "mem/edition.txt.mustache": "{{edition.text}}",
            ])
    }

    private func edition(subject: String = "Betreff", _ body: String) throws -> EditionSource {
        try EditionSource(
            text: "---\nsubject: \"\(subject)\"\nlist: kommunales\n---\n\(body)\n", fileName: "ausgabe.md")
    }

    private func values(name: String, kommune: String? = nil) -> (Slot) -> String {
        { slot in
            switch slot {
            case .name: name
            case .email: "jana@example.org"
            case .unsubscribeURL: ""
            case .attribute(let key): key == "kommune" ? kommune ?? "" : ""
            }
        }
    }

    @Test func sectionsAndValuesAreFilledPerRecipientEscapedOnlyInHTML() throws {
        let rendered = try library.render(
            try edition(
                subject: "Neues für {{attributes.kommune}}",
                "{{#name}}Liebe(r) {{name}},{{/name}}{{^name}}Sehr geehrte Damen und Herren,{{/name}}"),
            context: context)
        let jana = values(name: "Jana <b>&", kommune: "Unna")
        #expect(rendered.textBody(jana) == "Liebe(r) Jana <b>&,")
        #expect(
            rendered.htmlBody(jana).contains(
                "<p style=\"margin:0 0 16px 0;font-size:16px;line-height:1.55;\">Liebe(r) Jana &lt;b&gt;&amp;,</p>"))
        #expect(rendered.htmlBody(jana).contains("<title>Neues für Unna</title>"))
        #expect(rendered.subject(jana) == "Neues für Unna")
        let nobody = values(name: " ")
        #expect(rendered.textBody(nobody) == "Sehr geehrte Damen und Herren,")
        #expect(rendered.subject(values(name: "", kommune: "Hamm\r\nBcc: x")) == "Neues für Hamm Bcc: x")
    }

    @Test func aSectionOnLinesOfItsOwnWrapsWholeBlocks() throws {
        let rendered = try library.render(
            try edition(
                "Vorher.\n\n{{#attributes.kommune}}\n## Aus {{attributes.kommune}}\n\n- eins\n{{/attributes.kommune}}\n\nNachher."
            ),
            context: context)
        #expect(rendered.textBody(values(name: "")) == "Vorher.\n\nNachher.")
        let unna = rendered.textBody(values(name: "", kommune: "Unna"))
        // (A heading's underline is as long as the heading with its variables as written, not as filled.)
        #expect(unna.hasPrefix("Vorher.\n\nAus Unna\n------") && unna.hasSuffix("-\n\n- eins\n\nNachher."))
        let html = rendered.htmlBody(values(name: ""))
        #expect(!html.contains("<h2") && !html.contains("<ul") && html.contains("Nachher."))
    }

    @Test func anEditionWithoutVariablesHasNoSlotsInItsBody() throws {
        let rendered = try library.render(try edition("Nur Text."), context: context)
        #expect(rendered.text.slots.isEmpty && rendered.html.slots.isEmpty && rendered.subjectText.slots.isEmpty)
    }

    @Test(arguments: [
        ("Hallo {{nmae}}", 5, "did you mean {{name}}?"),
        ("Hallo {{kommune}}", 5, "did you mean {{attributes.kommune}}?"),
        ("Text\n\n{{#name}}offen", 7, "is never closed"),
        ("{{#name}}a{{/email}}", 5, "closes the section '{{#name}}'"),
        ("{{> footer}}", 5, "partials"),
    ])
    func unknownOrBrokenTagsNameTheirLine(body: String, line: Int, message: String) {
        let failure = #expect(throws: EditionError.self) { try edition(body) }
        #expect(failure?.line == line)
        #expect(failure?.reason.contains(message) == true, "\(failure?.reason ?? "")")
    }

    @Test func aSectionCuttingAListInTwoIsRefusedAtItsLine() throws {
        let source = try edition("- eins {{#name}}\n- zwei{{/name}}")
        let failure = #expect(throws: TemplateError.self) { try library.render(source, context: context) }
        #expect(failure?.line == 5)
    }

    @Test func unknownFrontMatterKeysAreKeptButNamedWithASuggestion() throws {
        let source = try EditionSource(
            text: "---\nsubject: Hallo\npreheder: Vorschau\nlist: kommunales\nmeta:\n  autor: Jana\n---\nText\n",
            fileName: "ausgabe.md")
        #expect(source.extra["autor"] == .string("Jana"))
        #expect(source.unknownKeyError?.line == 3)
        #expect(source.unknownKeyError?.reason.contains("did you mean 'preheader'?") == true)
    }

    @Test func aColonInTheSubjectIsExplainedForEditors() {
        let failure = #expect(throws: EditionError.self) {
            try EditionSource(
                text: "---\nsubject: Newsletter: Ausgabe 3\nlist: kommunales\n---\nText\n", fileName: "a.md")
        }
        #expect(failure?.line == 2)
        #expect(failure?.reason.hasPrefix("put the subject in quotes: it contains a colon") == true)
    }
}
