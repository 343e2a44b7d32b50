import Foundation
import Testing

@testable import RundbriefCore
import RundbriefTestSupport

/// The shipped sample edition through the shipped templates: nothing of the original may be lost.
@Suite("Sample edition")
struct EditionSampleTests {
    private static let original = "/work/shared/samples/interkommunales-nrw-newsletter-III-2025.txt"

    private func rendered() throws -> RenderedEdition {
        let library = try TemplateLibrary(testDirectory: EditionFixtures.templatesDirectory)
        return try library.render(
            try EditionSource(testPath: EditionFixtures.samplePath), context: EditionFixtures.context)
    }

    @Test func frontMatter() throws {
        let edition = try EditionSource(testPath: EditionFixtures.samplePath)
        #expect(edition.subject == "Newsletter III/2025 – Interkommunales.NRW")
        #expect(edition.list == "interkommunales-nrw")
        #expect(edition.slug == "interkommunales-nrw-newsletter-III-2025")
        #expect(!edition.preheader.isEmpty)
    }

    @Test func everySentenceReachesTheTextPart() throws {
        let text = try rendered().textBody(EditionFixtures.recipient)
        let withoutURLs = text.replacingOccurrences(
            of: #" ?<https?://[^>\s]+>"#, with: "", options: .regularExpression)
        let haystack = EditionFixtures.collapse(withoutURLs)
        for sentence in try EditionFixtures.sentences(of: Self.original) {
            #expect(haystack.contains(sentence), "missing in text part: \(sentence)")
        }
    }

    @Test func everySentenceReachesTheHTMLPart() throws {
        let html = try rendered().htmlBody(EditionFixtures.recipient)
        let haystack = EditionFixtures.collapse(try EditionFixtures.pythonVisibleText(of: html))
        for sentence in try EditionFixtures.sentences(of: Self.original) {
            #expect(haystack.contains(sentence), "missing in HTML part: \(sentence)")
        }
    }

    @Test func textLinesFitUnlessOneUnbreakableWord() throws {
        let text = try rendered().textBody(EditionFixtures.recipient)
        for line in text.split(separator: "\n") {
            #expect(line.count <= 76 || !line.contains(" "), "too long: \(line)")
        }
        #expect(text.contains("Newsletter III /2025\n===================="))
        #expect(
            text.contains(
                "- Digitale Sprechstunde mit dem Landesbeauftragten für Interkommunale\n  Zusammenarbeit am 28.08.2025."
            ))
        #expect(text.contains("Newsletter abbestellen:\nhttps://news.example.nrw/ab?t=abc&l=1"))
    }

    @Test func layoutIsEmailSafe() throws {
        let html = try rendered().htmlBody(EditionFixtures.recipient)
        #expect(html.hasPrefix("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\""))
        #expect(html.contains("lang=\"de\""))
        #expect(html.contains("<meta name=\"color-scheme\" content=\"light dark\" />"))
        #expect(html.contains("<meta name=\"supported-color-schemes\" content=\"light dark\" />"))
        #expect(html.contains("<table role=\"presentation\""))
        #expect(html.contains("max-width:600px"))
        #expect(html.contains("@media only screen and (max-width: 620px)"))
        #expect(html.contains("mso-hide:all;\">Vorträge der Jahrestagung online"))
        #expect(html.contains("href=\"https://news.example.nrw/ab?t=abc&amp;l=1\""))
        #expect(
            html.contains(
                "href=\"https://news.example.nrw/archiv/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025\""
            ))
        #expect(html.contains("Beispielstraße 62–80<br />"))
        // No external assets: no stylesheets, scripts, images or fonts fetched from anywhere.
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
    }
}

/// Shared inputs for the edition and template tests.
enum EditionFixtures {
    /// The package root, found from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let templatesDirectory = packageRoot.appendingPathComponent("templates").path
    static let samplePath =
        packageRoot
        .appendingPathComponent("templates/examples/interkommunales-nrw-newsletter-III-2025.md").path

    static let context = RenderContext(
        listName: "Interkommunales.NRW", listSlug: "interkommunales-nrw",
        senderName: "Geschäftsstelle des Landesbeauftragten für interkommunale Zusammenarbeit",
        postalAddress: "Geschäftsstelle IKZ (Beispieladresse)\nBeispielstraße 62–80\n40219 Düsseldorf",
        website: "https://www.interkommunales.nrw/",
        archiveBaseURL: "https://news.example.nrw/archiv/interkommunales-nrw",
        date: Date(timeIntervalSince1970: 1_756_375_200))

    static let recipient: @Sendable (Slot) -> String = { slot in
        switch slot {
        case .name: return "Erika Mustermann"
        case .email: return "erika.mustermann@kreis-beispiel.de"
        case .unsubscribeURL: return "https://news.example.nrw/ab?t=abc&l=1"
        case .attribute: return ""
        }
    }

    /// The sentences (and sentence fragments split by line) of a plain-text original, links as their text.
    static func sentences(of path: String) throws -> [String] {
        let original = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: #"\[([^\]]*)\]\(#\)"#, with: "$1", options: .regularExpression)
        return original.split(separator: "\n").flatMap { line in
            line.replacingOccurrences(of: #"^- "#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"([.!?])\s+"#, with: "$1\n", options: .regularExpression)
                .split(separator: "\n").map { collapse(String($0)) }
        }.filter { !$0.isEmpty }
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\u{00A0}" })
            .joined(separator: " ")
    }

    /// The text a reader sees, extracted by Python's `html.parser` (an independent HTML reader).
    static func pythonVisibleText(of html: String) throws -> String {
        let script = """
            import sys
            from html.parser import HTMLParser
            INLINE = ("a", "strong", "em", "b", "i", "code", "span")
            class Visible(HTMLParser):
                def __init__(self):
                    super().__init__(convert_charrefs=True)
                    self.skip = 0
                    self.out = []
                def handle_starttag(self, tag, attrs):
                    if tag in ("style", "script", "title"): self.skip += 1
                    if tag not in INLINE: self.out.append(" ")
                def handle_endtag(self, tag):
                    if tag in ("style", "script", "title"): self.skip -= 1
                    if tag not in INLINE: self.out.append(" ")
                def handle_data(self, data):
                    if not self.skip: self.out.append(data)
            parser = Visible()
            parser.feed(sys.stdin.read())
            parser.close()
            sys.stdout.write("".join(parser.out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(html.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
