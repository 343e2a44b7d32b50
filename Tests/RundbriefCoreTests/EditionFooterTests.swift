import Foundation
import Testing

@testable import RundbriefCore
import RundbriefTestSupport

/// The footer a German public body's newsletter needs (contact address, imprint, privacy policy),
/// internationalised domains as people read them, and the XHTML document's structure, read back by
/// Python's `email` and XML parsers.
@Suite("Edition footer")
struct EditionFooterTests {
    static let asciiDomain = "xn--gemeinde-bren-5ob.de"
    static let unicodeDomain = "gemeinde-büren.de"

    static var context: RenderContext {
        var context = EditionFixtures.context
        context.contactEmail = "presse@\(asciiDomain)"
        context.website = "https://www.\(asciiDomain)/"
        context.imprintURL = "https://www.\(asciiDomain)/impressum"
        context.privacyURL = "https://www.\(asciiDomain)/datenschutz"
        return context
    }

    private func rendered(_ context: RenderContext = Self.context, markdown: String? = nil) throws -> RenderedEdition {
        let library = try TemplateLibrary(testDirectory: EditionFixtures.templatesDirectory)
        var edition = try EditionSource(testPath: EditionFixtures.samplePath)
        if let markdown { edition.markdown = markdown }
        return try library.render(edition, context: context)
    }

    /// The sample as a complete message to a subscriber at an internationalised domain.
    private func message() throws -> [UInt8] {
        let composer = try MessageComposer(
            edition: try rendered(),
            configuration: NewsletterConfiguration(
                from: try Mailbox(address: "newsletter@\(Self.asciiDomain)", displayName: "Gemeinde Büren"),
                listName: "Interkommunales.NRW", listID: "interkommunales-nrw.\(Self.asciiDomain)"))
        return try composer.message(
            for: Recipient(
                address: "erika@\(Self.asciiDomain)", name: "Erika Mustermann",
                unsubscribeURL: "https://news.example.nrw/unsubscribe?token=abc",
                messageID: try MessageID("a.1@\(Self.asciiDomain)")),
            date: Date(timeIntervalSince1970: 1_756_375_200))
    }

    @Test func bothPartsShowContactImprintAndPrivacyWithUnicodeDomains() throws {
        let script = """
            import sys, json, email
            from email import policy
            from html.parser import HTMLParser
            msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            class Visible(HTMLParser):
                def __init__(self):
                    super().__init__(convert_charrefs=True)
                    self.skip, self.out, self.links = 0, [], []
                def handle_starttag(self, tag, attrs):
                    if tag in ("style", "title"): self.skip += 1
                    if tag == "a": self.links.append(dict(attrs).get("href"))
                    self.out.append(" ")
                def handle_endtag(self, tag):
                    if tag in ("style", "title"): self.skip -= 1
                    self.out.append(" ")
                def handle_data(self, data):
                    if not self.skip: self.out.append(data)
            html = Visible()
            html.feed(msg.get_body(("html",)).get_content())
            print(json.dumps({
                "defects": len(msg.defects) + sum(len(p.defects) for p in msg.walk()),
                "plain": msg.get_body(("plain",)).get_content(),
                "html": " ".join("".join(html.out).split()),
                "links": html.links,
            }))
            """
        let bytes = try message()
        let result = try PythonChecker.json(script, input: Data(bytes))
        #expect(result["defects"] as? Int == 0)
        let plain = try #require(result["plain"] as? String)
        let html = try #require(result["html"] as? String)
        let links = try #require(result["links"] as? [String])
        for (part, text) in [("text", plain), ("HTML", html)] {
            #expect(text.contains("E-Mail: presse@\(Self.unicodeDomain)"), "contact address in the \(part) part")
            #expect(text.contains("www.\(Self.unicodeDomain)"), "website in the \(part) part")
            #expect(text.contains("erika@\(Self.unicodeDomain)"), "recipient in the \(part) part")
            #expect(text.contains("Impressum"), "imprint in the \(part) part")
            #expect(text.contains("Datenschutzerklärung"), "privacy policy in the \(part) part")
            // Only the imprint and privacy link targets, written out in the text part, keep the ASCII form.
            let visible = text.replacingOccurrences(of: "https://www.\(Self.asciiDomain)/impressum", with: "")
                .replacingOccurrences(of: "https://www.\(Self.asciiDomain)/datenschutz", with: "")
            #expect(!visible.contains("xn--"), "punycode in the visible \(part) part")
        }
        #expect(plain.contains("Impressum: https://www.\(Self.asciiDomain)/impressum"))
        #expect(plain.contains("Datenschutzerklärung: https://www.\(Self.asciiDomain)/datenschutz"))
        // Link targets keep the ASCII form that every client resolves.
        #expect(links.contains("mailto:presse@\(Self.asciiDomain)"))
        #expect(links.contains("https://www.\(Self.asciiDomain)/impressum"))
        #expect(links.contains("https://www.\(Self.asciiDomain)/datenschutz"))
        // Headers stay ASCII: the domains in From and To are punycode.
        let raw = String(decoding: bytes, as: UTF8.self)
        let headers = try #require(raw.components(separatedBy: "\r\n\r\n").first)
        #expect(headers.utf8.allSatisfy { $0 < 0x80 })
        #expect(headers.contains("erika@\(Self.asciiDomain)"))
    }

    @Test func htmlIsWellFormedXHTMLWithSelfClosingVoidElements() throws {
        let markdown = "Eins  \nZwei\n\n---\n\n![Karte](https://example.org/karte.png)\n\nDrei\n"
        let html = try rendered(markdown: markdown).htmlBody(EditionFixtures.recipient)
        #expect(html.contains("<br />"))
        #expect(html.contains("<hr class=\"rb-rule\" style=\""))
        #expect(html.range(of: #"<(hr|br|img)\b[^>]*[^/]>"#, options: .regularExpression) == nil)
        // An XML parser (no HTML leniency) reads the whole document.
        let script = """
            import sys, xml.dom.minidom
            document = xml.dom.minidom.parseString(sys.stdin.buffer.read())
            print(len(document.getElementsByTagName("hr")), len(document.getElementsByTagName("img")))
            """
        #expect(try PythonChecker.run(script, input: Data(html.utf8)) == "1 1\n")
        let sample = try rendered().htmlBody(EditionFixtures.recipient)
        #expect(try PythonChecker.run(script, input: Data(sample.utf8)).hasSuffix("0\n"))
    }

    @Test func darkModeDimsEveryLineAndTheDocumentHasLandmarks() throws {
        let html = try rendered(markdown: "Eins\n\n---\n\nZwei\n").htmlBody(EditionFixtures.recipient)
        let dark = try #require(html.components(separatedBy: "prefers-color-scheme: dark").dropFirst().first)
        let darkRules = try #require(dark.components(separatedBy: "\n  }").first)
        // Every element that draws a light border in the light palette gets a dark one.
        #expect(darkRules.contains(".rb-rule { border-color: #3a424c !important; }"))
        #expect(darkRules.range(of: #"\.rb-footer \{[^}]*border-color"#, options: .regularExpression) != nil)
        #expect(darkRules.range(of: #"\.rb-column \{[^}]*border-color"#, options: .regularExpression) != nil)
        #expect(html.contains("class=\"rb-footer rb-pad\""))
        #expect(html.contains("<hr class=\"rb-rule\""))
        #expect(html.contains("class=\"rb-rule\" style=\"margin:0;padding-top:12px;border-top"))
        // One main landmark around the content, banner and contentinfo around header and footer.
        for role in ["main", "banner", "contentinfo"] {
            #expect(html.components(separatedBy: "role=\"\(role)\"").count == 2, "one \(role) landmark")
        }
    }

    @Test func aTestToANonSubscriberHasNoSubscriptionSentenceAndNoUnsubscribeSlot() throws {
        var context = Self.context
        context.audience = .testRecipient
        let edition = try rendered(context)
        for part in [edition.html, edition.text] {
            #expect(!part.slots.contains(.unsubscribeURL))
            #expect(!part.slots.contains(.email))
            let text = part.filled { _ in "" }
            #expect(!text.contains("Sie erhalten diese E-Mail"))
            #expect(!text.contains("abbestellen"))
            #expect(text.contains("Testversand"))
            #expect(text.contains("Diese Ausgabe im Browser lesen"))
        }
    }

    @Test func theWebVersionHasNoPersonalSlotsAtAll() throws {
        var context = Self.context
        context.audience = .web
        let edition = try rendered(context)
        #expect(edition.html.slots.isEmpty)
        #expect(edition.text.slots.isEmpty)
        let html = edition.htmlBody { _ in "" }
        #expect(html.contains("Webversion des Newsletters"))
        #expect(!html.contains("Diese Ausgabe im Browser lesen"))
        #expect(html.contains("Impressum"))
    }
}

/// Runs Python (an independent reader) over bytes.
enum PythonChecker {
    static func run(_ script: String, input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python failed")
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ script: String, input: Data) throws -> [String: Any] {
        let output = try run(script, input: input)
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
    }
}
