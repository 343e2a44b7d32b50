import Foundation
import Testing

@testable import RundbriefCore
import RundbriefTestSupport

@Suite("Template library and slots")
struct TemplateLibraryTests {
    private static let context = RenderContext(
        listName: "Kommunales & <Digitales>", listSlug: "kommunales",
        senderName: "Landesamt für Beispiele",
        postalAddress: "Musterstraße 1\n40210 Düsseldorf", website: "https://www.example.nrw/",
        archiveBaseURL: "https://news.example.nrw/archiv/kommunales/",
        date: Date(timeIntervalSince1970: 1_756_375_200))

    private func edition(_ front: String = "", body: String = "Hallo.") throws -> EditionSource {
        try EditionSource(
            text: "---\nsubject: Betreff\nlist: kommunales\n\(front)---\n\(body)\n",
            fileName: "ausgabe.md")
    }

    private func library(html: String, text: String = "{{edition.text}}") throws -> TemplateLibrary {
        try TemplateLibrary(
            directory: "mem",
            sources: ["mem/edition.html.mustache": html, "mem/edition.txt.mustache": text])
    }

    @Test func loadsTheProjectTemplates() throws {
        let library = try TemplateLibrary(testDirectory: EditionFixtures.templatesDirectory)
        #expect(library.templateNames.isSuperset(of: ["edition.html", "edition.txt"]))
    }

    @Test func syntaxErrorNamesFileAndLine() {
        let directory = Bundle.module.resourceURL!.appendingPathComponent(
            "Fixtures/editions/broken-templates"
        ).path
        let failure = #expect(throws: TemplateError.self) { try TemplateLibrary(testDirectory: directory) }
        #expect(failure?.code == .syntax)
        #expect(failure?.file.hasSuffix("broken-templates/edition.html.mustache") == true)
        #expect(failure?.line == 4)
        #expect(failure?.description.contains("edition.html.mustache:4:") == true)
    }

    @Test func syntaxErrorInTextTemplateReportsTheWrittenColumn() {
        let failure = #expect(throws: TemplateError.self) { try library(html: "ok", text: "ab {{#x}}") }
        #expect(failure?.file == "mem/edition.txt.mustache")
        #expect(failure?.line == 1)
    }

    @Test func unknownTemplateIsAClearError() throws {
        let library = try library(html: "x")
        let failure = #expect(throws: TemplateError.self) {
            try library.render(try edition("template: schlicht\n"), context: Self.context)
        }
        #expect(failure?.code == .unknownTemplate)
        #expect(failure?.reason.contains("schlicht.html.mustache") == true)
        #expect(failure?.file == "ausgabe.md")
    }

    @Test func subscriberValuesBecomeSlotsThatSurviveEscaping() throws {
        let library = try library(
            html:
                "<p>{{subscriber.name}}|{{{subscriber.name}}}|{{subscriber.email}}|{{subscriber.attributes.anrede}}</p>"
                + "<a href=\"{{unsubscribe_url}}\">ab</a>",
            text: "{{subscriber.name}} <{{subscriber.email}}> {{unsubscribe_url}}")
        let rendered = try library.render(try edition(), context: Self.context)
        #expect(rendered.html.slots == [.name, .email, .attribute("anrede"), .unsubscribeURL])
        #expect(rendered.text.slots == [.name, .email, .unsubscribeURL])
        #expect(
            rendered.html.parts == [
                .literal("<p>"), .slot(.name), .literal("|"), .slot(.name), .literal("|"), .slot(.email),
                .literal("|"), .slot(.attribute("anrede")), .literal("</p><a href=\""),
                .slot(.unsubscribeURL),
                .literal("\">ab</a>"),
            ])
    }

    @Test func hostileSubscriberValuesStayInert() throws {
        let library = try library(
            html: "<p>Hallo {{subscriber.name}}</p><a href=\"{{unsubscribe_url}}\">ab</a>",
            text: "Hallo {{subscriber.name}}")
        let rendered = try library.render(try edition(), context: Self.context)
        let values: (Slot) -> String = { slot in
            switch slot {
            case .name: return "<script>alert('x')</script> {{list.name}} {{{edition.content}}}"
            case .unsubscribeURL: return "https://news.example.nrw/ab?t=1&l=2\""
            default: return ""
            }
        }
        let html = rendered.htmlBody(values)
        #expect(!html.contains("<script>"))
        #expect(
            html.contains(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; {{list.name}} {{{edition.content}}}"))
        #expect(html.contains("href=\"https://news.example.nrw/ab?t=1&amp;l=2&quot;\""))
        #expect(
            rendered.textBody(values)
                == "Hallo <script>alert('x')</script> {{list.name}} {{{edition.content}}}")
    }

    @Test func markersInUserDataNeverCreateSlots() throws {
        let forged = "\u{E000}0\u{E001}"
        let library = try library(
            html: "{{edition.subject}} {{{edition.content}}} {{list.name}}", text: "{{edition.text}}")
        var context = Self.context
        context.listName = "Liste \(forged)"
        let source = try EditionSource(
            text: "---\nsubject: \"Betreff \(forged)\"\nlist: kommunales\n---\nText \(forged)\n",
            fileName: "a.md")
        let rendered = try library.render(source, context: context)
        #expect(rendered.html.slots.isEmpty)
        #expect(rendered.text.slots.isEmpty)
        #expect(rendered.html.filled { _ in "X" }.contains("\u{FFFD}0\u{FFFD}"))
    }

    @Test func htmlIsEscapedAndTextIsNot() throws {
        let library = try library(html: "<b>{{list.name}}</b>", text: "{{list.name}}")
        let rendered = try library.render(try edition(), context: Self.context)
        #expect(rendered.html.filled { _ in "" } == "<b>Kommunales &amp; &lt;Digitales&gt;</b>")
        #expect(rendered.text.filled { _ in "" } == "Kommunales & <Digitales>")
    }

    @Test func contextValuesAndArchiveURL() throws {
        let library = try library(
            html: "{{edition.date}}|{{edition.date_iso}}|{{#archive_url}}{{archive_url}}{{/archive_url}}"
                + "{{^archive_url}}kein Archiv{{/archive_url}}|{{#sender.postal_address_lines}}{{.}}<br>{{/sender.postal_address_lines}}"
                + "|{{edition.meta.ausgabe}}",
            text: "{{sender.postal_address}}")
        let archived = try library.render(
            try edition("archive: true\nausgabe: III\n"), context: Self.context)
        #expect(
            archived.html.filled { _ in "" }
                == "28. August 2025|2025-08-28|https://news.example.nrw/archiv/kommunales/ausgabe"
                + "|Musterstraße 1<br>40210 Düsseldorf<br>|III")
        #expect(archived.text.filled { _ in "" } == "Musterstraße 1\n40210 Düsseldorf")
        let unarchived = try library.render(try edition(), context: Self.context)
        #expect(unarchived.html.filled { _ in "" }.contains("|kein Archiv|"))
    }
}
