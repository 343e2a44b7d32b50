import Foundation
import RundbriefTestSupport
import Testing

/// `edition add`, `render` and `bounce parse` run as the real binary; what they write is read by
/// independent parsers (Python's email package, dkimpy).
@Suite struct EditionCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sample = repository.appendingPathComponent(
        "templates/examples/interkommunales-nrw-newsletter-III-2025.md"
    ).path

    /// A fixture whose configuration signs with the Ed25519 test key.
    private func fixture() throws -> OpsFixture {
        let fixture = try OpsFixture()
        let key = Self.repository.appendingPathComponent("Tests/RundbriefCoreTests/Fixtures/dkim/ed25519.pem").path
        var text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        // One-click unsubscribe (List-Unsubscribe-Post) is offered only with an https base URL.
        text = text.replacingOccurrences(
            of: "[http]\nlisten = \"127.0.0.1:0\"",
            with: "[http]\nlisten = \"127.0.0.1:0\"\nbase_url = \"https://news.example.org\"")
        text += "\n[dkim]\ndomain = \"example.org\"\nselector = \"rb\"\nkey_file = \"\(key)\"\n"
        text +=
            "[sender]\naddress = \"newsletter@example.org\"\nname = \"Landesbeauftragter für Interkommunale Zusammenarbeit NRW\"\n"
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(
            try fixture.run(["lists", "create", "interkommunales-nrw", "--name", "Interkommunales.NRW"]).status == 0)
        return fixture
    }

    @Test func theSampleEditionRendersIntoASignedMessageEveryReaderAgreesOn() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        #expect(
            try fixture.run([
                "subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw", "--name",
                "Jana Schröder",
            ]).status == 0)
        let added = try fixture.run(["edition", "add", Self.sample])
        #expect(added.status == 0, "\(added.stderr)")
        let eml = fixture.directory.appendingPathComponent("jana.eml").path
        let rendered = try fixture.run([
            "edition", "render", "interkommunales-nrw-newsletter-III-2025", "--to", "jana@stadt-unna.example", "--out",
            eml,
        ])
        #expect(rendered.status == 0, "\(rendered.stderr)")

        let record = try String(
            contentsOf: Self.repository.appendingPathComponent("Tests/RundbriefCoreTests/Fixtures/dkim/ed25519.dns"),
            encoding: .utf8
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let script = """
            import dkim, email, email.policy, sys
            raw = open(sys.argv[1], 'rb').read()
            record = sys.argv[2].encode()
            assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record), "dkim"
            m = email.message_from_bytes(raw, policy=email.policy.default)
            assert not m.defects, m.defects
            assert str(m['Subject']) == 'Newsletter III/2025 – Interkommunales.NRW', m['Subject']
            assert m['From'].addresses[0].display_name == 'Landesbeauftragter für Interkommunale Zusammenarbeit NRW'
            assert m['To'].addresses[0].display_name == 'Jana Schröder'
            assert m['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'
            text = ' '.join(m.get_body(('plain',)).get_content().split())
            html = m.get_body(('html',)).get_content()
            for sentence in ['wenn es interkommunale Zusammenarbeit nicht schon gäbe, müsste sie', '„Digitale Sprechstunde“']:
                assert sentence in text, sentence
            assert 'Krisenvorsorge &amp; Resilienz' in html
            for line in raw.split(b'\\r\\n'):
                assert len(line) <= 998
            print(m['List-Unsubscribe'])
            """
        let check = try ChildProcess.python(script, [eml, record])
        #expect(check.status == 0, "\(check.stderr)")
        // The unsubscribe link is the subscriber's real one: it carries a token, not a placeholder.
        #expect(check.stdout.contains("https://news.example.org/u/"))
    }

    @Test func testSendsAreMarkedAndANonSubscriberGetsNoToken() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let out = fixture.directory.appendingPathComponent("smtp")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let server = try SMTPTestServer(directory: out)
        defer { server.stop() }
        var text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        text += "[smtp]\nurl = \"smtp://127.0.0.1:\(server.port)\"\nstarttls = \"off\"\n"
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(
            try fixture.run(["subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw"]).status
                == 0)
        #expect(try fixture.run(["edition", "add", Self.sample]).status == 0)
        let sent = try fixture.run([
            "edition", "test-send", "interkommunales-nrw-newsletter-III-2025", "--to", "pressestelle@kreis.example",
            "--to", "jana@stadt-unna.example",
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.components(separatedBy: "sent to ").count == 3)
        #expect(try server.recipients() == ["pressestelle@kreis.example", "jana@stadt-unna.example"])
        // Eleven addresses: refused before anything is sent.
        let eleven = (1...11).flatMap { ["--to", "person\($0)@example.org"] }
        let tooMany = try fixture.run(["edition", "test-send", "interkommunales-nrw-newsletter-III-2025"] + eleven)
        #expect(tooMany.status == 65)
        #expect(tooMany.stderr.contains("a test goes to at most 10 addresses (11 given)"))
        #expect(try server.messageCount() == 2)
        let script = """
            import email, email.policy, sys, json
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            assert not m.defects, m.defects
            print(json.dumps({"subject": str(m['Subject']), "test": m['X-Rundbrief-Test'],
                "unsubscribe": m['List-Unsubscribe'],
                "body": m.get_body(('plain',)).get_content() + m.get_body(('html',)).get_content()}))
            """
        var messages: [[String: Any]] = []
        for number in 1...2 {
            let check = try ChildProcess.python(script, [out.appendingPathComponent("\(number).eml").path])
            #expect(check.status == 0, "\(check.stderr)")
            messages.append(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any] ?? [:])
        }
        for message in messages {
            #expect(message["subject"] as? String == "[TEST] Newsletter III/2025 – Interkommunales.NRW")
            #expect(message["test"] as? String == "yes")
        }
        // Not a subscriber: nothing says they are, and there is no token to use.
        let stranger = try #require(messages[0]["body"] as? String)
        #expect(messages[0]["unsubscribe"] is NSNull)
        #expect(!stranger.contains("token"))
        #expect(!stranger.contains("Sie erhalten diese E-Mail"))
        #expect(stranger.contains("Testversand"))
        // A subscriber's test reads like their message, with their real unsubscribe link.
        #expect((messages[1]["unsubscribe"] as? String)?.contains("https://news.example.org/u/") == true)
        #expect((messages[1]["body"] as? String)?.contains("Sie erhalten diese E-Mail") == true)
    }

    @Test func aBrokenEditionIsRefusedWithItsFileAndLine() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let broken = fixture.directory.appendingPathComponent("kaputt.md").path
        try "---\nsubject: Hallo\n---\nText\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let missingList = try fixture.run(["edition", "add", broken])
        #expect(missingList.status == 65)
        #expect(missingList.stderr.contains("kaputt.md"))
        #expect(missingList.stderr.contains("list"))
        try "---\nsubject: \"Zeile\\r\\nBcc: x@y.de\"\nlist: interkommunales-nrw\n---\nText\n".write(
            toFile: broken, atomically: true, encoding: .utf8)
        let injected = try fixture.run(["edition", "add", broken])
        #expect(injected.status == 65)
        #expect(injected.stderr.contains("kaputt.md"))
        // Nothing was stored.
        let listed = try JSONSerialization.jsonObject(
            with: Data(try fixture.run(["edition", "list", "--json"]).stdout.utf8))
        #expect((listed as? [Any])?.isEmpty == true)
    }

    @Test func bounceParsePrintsTheContractedJSONShape() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let corpus = Self.repository.appendingPathComponent("Tests/RundbriefCoreTests/Fixtures/bounces/bounce")
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".eml") }.sorted()
                .first)
        let result = try fixture.run(["bounce", "parse", corpus.appendingPathComponent(file).path, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "bounce")
        #expect(object.keys.contains("delivery"))
        let recipient = try #require((object["recipients"] as? [[String: Any]])?.first)
        #expect(recipient["address"] is String)
        #expect(recipient["permanent"] is Bool)
        #expect(recipient.keys.contains("status") && recipient.keys.contains("diagnostic"))
    }

    @Test func bounceIngestExitsTempfailWhenTheStoreIsUnavailable() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = RundbriefBinary.url
        process.arguments = [
            "bounce", "ingest", "--config", fixture.directory.appendingPathComponent("missing.toml").path,
        ]
        let input = Pipe()
        process.standardInput = input
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(
            Data("From: MAILER-DAEMON@x.example\r\nSubject: x\r\n\r\nUser unknown\r\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 75)
    }
}
