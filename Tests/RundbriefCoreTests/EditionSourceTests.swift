import Foundation
import Testing

@testable import RundbriefCore
import RundbriefTestSupport

@Suite("Edition source files")
struct EditionSourceTests {
    private func parse(_ text: String, file: String = "2025-03-ausgabe.md") throws(EditionError)
        -> EditionSource
    {
        try EditionSource(text: text, fileName: file)
    }

    private func error(_ text: String, file: String = "ausgabe.md") -> EditionError? {
        do {
            _ = try parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsKeysAndDefaults() throws {
        let edition = try parse(
            """
            ---
            subject: "Newsletter III/2025 – Interkommunales.NRW"
            list: interkommunales-nrw
            from: "Redaktion <redaktion@example.org>"
            reply_to: antwort@example.org
            archive: true
            issue: 3
            tags: [ikz, nrw]
            ---
            # Titel

            Text.
            """, file: "editions/2025-03-ausgabe.md")
        #expect(edition.subject == "Newsletter III/2025 – Interkommunales.NRW")
        #expect(edition.preheader == "")
        #expect(edition.list == "interkommunales-nrw")
        #expect(edition.slug == "2025-03-ausgabe")
        #expect(edition.from == "Redaktion <redaktion@example.org>")
        #expect(edition.replyTo == "antwort@example.org")
        #expect(edition.template == "edition")
        #expect(edition.archive)
        #expect(edition.extra == ["issue": .int(3), "tags": .list([.string("ikz"), .string("nrw")])])
        #expect(edition.markdown == "# Titel\n\nText.")
        #expect(edition.bodyLine == 10)
    }

    @Test func explicitSlugTemplateAndCRLF() throws {
        let edition = try parse(
            "---\r\nsubject: Hallo\r\nlist: a\r\nslug: sonder\r\ntemplate: schlicht\r\n---\r\nText\r\n")
        #expect(edition.slug == "sonder")
        #expect(edition.template == "schlicht")
        #expect(edition.archive == false)
        #expect(edition.markdown == "Text\n")
    }

    @Test func missingFrontMatterNamesFile() {
        let failure = error("# Nur Markdown\n", file: "ohne.md")
        #expect(failure?.code == .missingFrontMatter)
        #expect(failure?.file == "ohne.md")
        #expect(failure?.line == 1)
        #expect(error("---\nsubject: x\nlist: y\n\nText ohne Ende\n")?.code == .missingFrontMatter)
    }

    @Test(arguments: ["subject", "list"])
    func missingRequiredKey(key: String) {
        let lines = ["subject: Hallo", "list: liste"].filter { !$0.hasPrefix(key) }
        let failure = error("---\n\(lines.joined(separator: "\n"))\n---\nText\n")
        #expect(failure?.code == .missingKey)
        #expect(failure?.reason.contains("'\(key)'") == true)
        #expect(failure?.line == 3)
    }

    @Test func emptyFrontMatterMissesSubject() {
        #expect(error("---\n---\nText\n")?.code == .missingKey)
    }

    @Test func wrongValueTypesNameTheLine() {
        let list = error("---\nsubject: Hallo\nlist:\n  - a\n  - b\n---\n")
        #expect(list?.code == .invalidKeyType)
        #expect(list?.line == 3)
        let archive = error("---\nsubject: Hallo\nlist: a\narchive: vielleicht\n---\n")
        #expect(archive?.code == .invalidKeyType)
        #expect(archive?.line == 4)
        let key = error("---\nsubject: Hallo\nlist: a\n? [x, y]\n: z\n---\n")
        #expect(key?.code == .invalidKeyType)
        let slug = error("---\nsubject: Hallo\nlist: Meine Liste\n---\n")
        #expect(slug?.code == .invalidKeyType)
    }

    @Test func invalidYAMLNamesTheLine() {
        let failure = error("---\nsubject: Hallo\nlist: [a\n---\n")
        #expect(failure?.code == .invalidFrontMatter)
        #expect(failure?.line != nil)
        #expect(failure?.description.hasPrefix("ausgabe.md:") == true)
    }

    @Test(arguments: [
        "subject: \"Zeile\\nZwei\"", "subject: \"Zeile\\r\\nZwei\"", "subject: |\n  Zeile\n  Zwei",
        "subject: \"Glocke\\a\"", "preheader: \"Vorschau\\u2028Trenner\"",
    ])
    func headerTextMustBeOneLine(entry: String) {
        let withSubject = entry.hasPrefix("preheader") ? "subject: Hallo\n" + entry : entry
        let failure = error("---\nlist: a\n\(withSubject)\n---\nText\n")
        #expect(failure?.code == .invalidHeaderText)
        #expect(failure?.line == (entry.hasPrefix("preheader") ? 4 : 3))
    }

    @Test func invalidUTF8NamesOffsetAndLine() throws {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/editions/latin1", withExtension: "md"))
        let failure = #expect(throws: EditionError.self) {
            try EditionSource(data: try Data(contentsOf: url), fileName: url.path)
        }
        #expect(failure?.code == .invalidUTF8)
        #expect(failure?.line == 6)
        #expect(failure?.reason.contains("offset 62") == true)
        #expect(failure?.file == url.path)
    }

    @Test func readsFileAndDerivesSlug() throws {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/editions/minimal", withExtension: "md"))
        let edition = try EditionSource(testPath: url.path)
        #expect(edition.slug == "minimal")
        #expect(edition.subject == "Hallo Welt")
        #expect(edition.markdown == "Ein *kurzer* Text.\n")
    }
}
