import Foundation
import PropertyBased
import Testing

@testable import RundbriefCore

/// Runs Python's standard `email` package and `dkimpy` as independent checkers.
enum PythonOracle {
    struct Part: Decodable {
        var type: String
        var charset: String?
        var cte: String?
        var content: String
        var defects: [String]
    }

    struct Parsed: Decodable {
        var headers: [String: String]
        var toName: String
        var toAddress: String
        var defects: [String]
        var parts: [Part]
    }

    private static let parseScript = """
        import email, email.policy, json, sys
        result = []
        for path in sys.argv[1:]:
            msg = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.default)
            out = {'headers': {k: str(v) for k, v in msg.items()}, 'defects': [str(d) for d in msg.defects],
                   'toName': msg['To'].addresses[0].display_name, 'toAddress': msg['To'].addresses[0].addr_spec,
                   'parts': []}
            for part in msg.walk():
                if part.is_multipart():
                    out['defects'] += [str(d) for d in part.defects]
                    continue
                out['parts'].append({'type': part.get_content_type(), 'charset': part.get_content_charset(),
                    'cte': part['Content-Transfer-Encoding'], 'content': part.get_content().replace('\\r\\n', '\\n'),
                    'defects': [str(d) for d in part.defects]})
            result.append(out)
        print(json.dumps(result))
        """

    /// Parses each message with `email.message_from_bytes(..., policy=email.policy.default)`.
    static func parse(_ messages: [[UInt8]]) throws -> [Parsed] {
        let output = try run(parseScript, files: messages)
        return try JSONDecoder().decode([Parsed].self, from: Data(output.utf8))
    }

    /// Runs `script` with the messages written to temporary files as arguments; returns stdout.
    static func run(_ script: String, files: [[UInt8]], extraArguments: [String] = []) throws
        -> String
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rundbrief-mime-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, bytes) in files.enumerated() {
            let url = directory.appendingPathComponent("\(index).eml")
            try Data(bytes).write(to: url)
            paths.append(url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + extraArguments + paths
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 failed")
        return String(decoding: data, as: UTF8.self)
    }
}

/// A German edition with slots, the shared sample text when it can be found.
enum SampleEdition {
    static let excerpt = """
        Sehr geehrte Damen und Herren,

        wenn es interkommunale Zusammenarbeit nicht schon gäbe, müsste sie erfunden werden – so die einhellige Meinung auf der 6. Jahrestagung Interkommunales.NRW in Unna.
        „Krisenvorsorge & Resilienz“ — Zusammenarbeit bei Notstrom, Wasser, IT: Kläranlagen, Trinkwasserversorgung, NIS2.   
        Eine Zeile mit Leerzeichen am Ende   
        .Punkt am Anfang
        From Unna nach Köln\tmit Tab
        \(String(repeating: "Überlang", count: 40))
        """

    static var body: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        for shared in ["../shared", "../../shared"] {
            let url = root.appendingPathComponent(shared).appendingPathComponent(
                "samples/interkommunales-nrw-newsletter-III-2025.txt")
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text + "\n" + excerpt }
        }
        return excerpt
    }

    static var edition: RenderedEdition {
        let text = PersonalizedText(parts: [
            .literal("Hallo "), .slot(.name), .literal(",\n\n" + body + "\n\nIhre Region: "),
            .slot(.attribute("region")), .literal("\nAbmelden: "), .slot(.unsubscribeURL), .literal("\n"),
        ])
        let paragraphs = body.components(separatedBy: "\n").map { "<p>\($0)</p>" }.joined(
            separator: "\n")
        let html = PersonalizedText(parts: [
            .literal("<!doctype html>\n<html><body>\n<p>Hallo <b>"), .slot(.name),
            .literal("</b>,</p>\n" + paragraphs),
            .literal("\n<p><a href=\""), .slot(.unsubscribeURL), .literal("\">Abmelden</a> ("),
            .slot(.email),
            .literal(")</p>\n</body></html>\n"),
        ])
        return RenderedEdition(
            subject:
                "Newsletter III/2025 – „Interkommunales.NRW“: Vorträge, Sprechstunde und Landespreis für Zusammenarbeit",
            preheader: "Vorträge abrufbar", html: html, text: text)
    }

    static func configuration() throws -> NewsletterConfiguration {
        NewsletterConfiguration(
            from: try Mailbox(
                address: "newsletter@example.org", displayName: "Landesbeauftragter für IKZ"),
            replyTo: try Mailbox(address: "ikz@example.org"),
            listName: "Interkommunales.NRW – Newsletter",
            listID: "newsletter.example.org", feedbackID: "edition3:send7:rundbrief")
    }

    static func recipient(name: String = "Jürgen „Jupp“ Müller <&>", region: String = "Köln/Bonn")
        throws -> Recipient
    {
        Recipient(
            address: "juergen.mueller@example.com", name: name, attributes: ["region": region],
            unsubscribeURL: "https://news.example.org/unsubscribe?t=abc&l=1",
            unsubscribeMailto: "mailto:unsubscribe@example.org?subject=abc",
            messageID: try MessageID(sendID: 7, subscriberID: 42, domain: "example.org"))
    }

    static let date = Date(timeIntervalSince1970: 1_764_035_627)
}

/// The body of a composed message, split at its boundary and decoded by our own decoder.
func decodedParts(of message: [UInt8]) throws -> [String] {
    let text = String(decoding: message, as: UTF8.self)
    let boundary = try #require(
        text.firstRange(of: "boundary=\"").map { text[$0.upperBound...].prefix { $0 != "\"" } })
    let sections = text.components(separatedBy: "\r\n--\(boundary)")
    return try sections.dropFirst().dropLast().map { section in
        let content = try #require(
            section.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                as String?)
        return try QuotedPrintable.decode(content)
    }
}

@Suite struct MessageComposerTests {
    /// The filled text as Python returns it: line breaks are canonical per literal
    /// and per slot value (a CR ending a value is a line break of its own), then "\n".
    private func expectedText(_ text: PersonalizedText, _ recipient: Recipient, html: Bool) -> String {
        let crlf = canonicalPerPiece(text) {
            html ? HTMLEntities.escape(recipient.value(for: $0)) : recipient.value(for: $0)
        }
        return crlf.replacingOccurrences(of: "\r\n", with: "\n")
    }

    private func canonicalPerPiece(_ text: PersonalizedText, _ value: (Slot) -> String) -> String {
        canonicalPerPiece(text.parts, value)
    }

    private func canonicalPerPiece(_ parts: [PersonalizedText.Part], _ value: (Slot) -> String) -> String {
        parts.map { part in
            switch part {
            case .literal(let literal):
                String(decoding: ASCII.canonicalLineBreaks(literal), as: UTF8.self)
            case .slot(let slot): String(decoding: ASCII.canonicalLineBreaks(value(slot)), as: UTF8.self)
            case .section(let slot, let inverted, let inner):
                PersonalizedText.isShown(value(slot), inverted: inverted) ? canonicalPerPiece(inner, value) : ""
            }
        }.joined()
    }

    private func mismatch(_ actual: String?, _ expected: String) -> String? {
        guard let actual, actual != expected else { return actual == nil ? "missing" : nil }
        let common = zip(actual, expected).prefix { $0 == $1 }.count
        return
            "got \(actual.dropFirst(common).prefix(40).debugDescription) want \(expected.dropFirst(common).prefix(40).debugDescription)"
    }

    @Test func pythonReadsExactlyWhatWasComposed() throws {
        let edition = SampleEdition.edition
        let recipient = try SampleEdition.recipient()
        let composer = try MessageComposer(
            edition: edition, configuration: try SampleEdition.configuration())
        let message = try composer.message(for: recipient, date: SampleEdition.date)
        let parsed = try #require(try PythonOracle.parse([message]).first)

        #expect(parsed.defects.isEmpty)
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(
            parsed.parts.allSatisfy {
                $0.charset == "utf-8" && $0.cte == "quoted-printable" && $0.defects.isEmpty
            })
        #expect(parsed.parts.first?.content == expectedText(edition.text, recipient, html: false))
        #expect(parsed.parts.last?.content == expectedText(edition.html, recipient, html: true))
        #expect(parsed.parts.last?.content.contains("Jürgen „Jupp“ Müller &lt;&amp;&gt;") == true)
        #expect(parsed.headers["Subject"] == edition.subject)
        #expect(parsed.headers["From"] == "Landesbeauftragter für IKZ <newsletter@example.org>")
        #expect(parsed.toName == recipient.name)
        #expect(parsed.toAddress == recipient.address)
        #expect(
            parsed.headers["List-Id"] == "Interkommunales.NRW – Newsletter <newsletter.example.org>")
        #expect(
            parsed.headers["List-Unsubscribe"]
                == "<\(recipient.unsubscribeURL)>, <\(recipient.unsubscribeMailto)>")
        #expect(parsed.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
        #expect(parsed.headers["Precedence"] == "bulk")
        #expect(parsed.headers["Feedback-ID"] == "edition3:send7:rundbrief")
        #expect(parsed.headers["Message-ID"] == recipient.messageID.description)
        #expect(parsed.headers["Date"] == "Tue, 25 Nov 2025 01:53:47 +0000")
        #expect(parsed.headers["MIME-Version"] == "1.0")
    }

    @Test func linesAreCRLFShortAndTheMessageEndsWithCRLF() throws {
        let composer = try MessageComposer(
            edition: SampleEdition.edition, configuration: try SampleEdition.configuration())
        let message = try composer.message(for: try SampleEdition.recipient(), date: SampleEdition.date)
        #expect(message.suffix(2) == [0x0D, 0x0A])
        let lines = crlfLines(message)
        #expect(lines.last?.isEmpty == true)
        #expect(
            lines.allSatisfy {
                $0.count <= 998 && $0.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 }
            })
        let bodyStart = try #require(lines.firstIndex { $0.isEmpty })
        #expect(lines[..<bodyStart].allSatisfy { $0.count <= 78 })
        #expect(lines[bodyStart...].allSatisfy { $0.count <= 76 })
    }

    @Test func splicedSlotsDecodeToTheFilledText() async throws {
        let edition = SampleEdition.edition
        let composer = try MessageComposer(
            edition: edition, configuration: try SampleEdition.configuration())
        await propertyCheck(count: 150, input: NastyText.headerText, NastyText.text) { name, region in
            guard let recipient = try? SampleEdition.recipient(name: name, region: region),
                let message = try? composer.message(for: recipient, date: SampleEdition.date),
                let parts = try? decodedParts(of: message)
            else {
                Issue.record("cannot compose for \(name.debugDescription)")
                return
            }
            let expected = [
                canonicalPerPiece(edition.text) { recipient.value(for: $0) },
                canonicalPerPiece(edition.html) { HTMLEntities.escape(recipient.value(for: $0)) },
            ]
            for (part, wanted) in zip(parts, expected) where part != wanted {
                let common = zip(part, wanted).prefix { $0 == $1 }.count
                Issue.record(
                    "name \(name.debugDescription) region \(region.debugDescription): decoded \(part.dropFirst(common).prefix(40).debugDescription) expected \(wanted.dropFirst(common).prefix(40).debugDescription)"
                )
            }
            #expect(parts.count == 2)
            #expect(crlfLines(message).allSatisfy { $0.count <= 998 })
        }
    }

    @Test func pythonAgreesOnRandomSlotValues() throws {
        let edition = SampleEdition.edition
        let composer = try MessageComposer(
            edition: edition, configuration: try SampleEdition.configuration())
        var recipients: [Recipient] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<25 {
            let name = (0..<8).map { _ in NastyText.fragments.randomElement(using: &generator)! }.joined()
                .filter { $0 != "\r\n" && $0 != "\r" && $0 != "\n" && $0 != "\0" }
            recipients.append(
                try SampleEdition.recipient(name: name, region: NastyText.fragments.shuffled().joined()))
        }
        let messages = try recipients.map { try composer.message(for: $0, date: SampleEdition.date) }
        for (recipient, parsed) in zip(recipients, try PythonOracle.parse(messages)) {
            #expect(
                mismatch(parsed.parts.first?.content, expectedText(edition.text, recipient, html: false))
                    == nil)
            #expect(
                mismatch(parsed.parts.last?.content, expectedText(edition.html, recipient, html: true))
                    == nil)
            #expect(parsed.defects.isEmpty)
        }
    }

    @Test func refusesHeaderInjectionThroughRecipientData() throws {
        let composer = try MessageComposer(
            edition: SampleEdition.edition, configuration: try SampleEdition.configuration())
        // A line break in a name (from an import) becomes a space: the message goes out, with no header added.
        var recipient = try SampleEdition.recipient(name: "Eve\r\nBcc: victim@example.org")
        let message = try composer.message(for: recipient, date: SampleEdition.date)
        let head = String(decoding: message, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("\r\nBcc:"))
        #expect(head.contains("To: \"Eve Bcc: victim@example.org\""))
        recipient = try SampleEdition.recipient()
        recipient.unsubscribeURL = "https://x/>\r\nBcc: a@b"
        #expect(throws: MIMEError.self) {
            try composer.message(for: recipient, date: SampleEdition.date)
        }
    }

    @Test func transactionalMessagesAreSinglePartOrAlternative() throws {
        let base = TransactionalMessage(
            from: try Mailbox(address: "newsletter@example.org", displayName: "Rundbrief"),
            to: try Mailbox(address: "neu@example.com", displayName: "Grüße Über"),
            subject: "Bitte bestätigen Sie Ihre Anmeldung",
            text: "Hallo,\nbitte bestätigen: https://x/c?t=1\n\n",
            messageID: try MessageID("confirm.1@example.org"), date: SampleEdition.date)
        var withHTML = base
        withHTML.html = "<p>Hallo, <a href=\"https://x/c?t=1\">bestätigen</a></p>"
        let parsed = try PythonOracle.parse([try base.encoded(), try withHTML.encoded()])
        #expect(parsed[0].parts.map(\.type) == ["text/plain"])
        #expect(parsed[0].parts.first?.content == base.text)
        #expect(parsed[0].headers["Auto-Submitted"] == "auto-generated")
        #expect(parsed[1].parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed[1].parts.last?.content == withHTML.html)
        #expect(parsed.allSatisfy { $0.defects.isEmpty && $0.toName == "Grüße Über" })
    }
}
