import Foundation
import RundbriefTestSupport
import Testing

/// Issue 11, the editor's side of editions, end to end through the built binary: personalised bodies
/// and subjects as the daemon sends them through the aiosmtpd server (read back with Python's `email`),
/// templates the edition does not use, and the one-line errors of `edition add` and `edition remove`.
@Suite(.serialized) struct PersonalisedEditionTests {
    static let personalised = """
        ---
        subject: "Neues für {{attributes.kommune}}"
        list: nrw
        slug: ausgabe-3
        ---
        {{#name}}Liebe(r) {{name}},{{/name}}{{^name}}Sehr geehrte Damen und Herren,{{/name}}

        die Zahlen für **{{attributes.kommune}}** gehen an {{email}}.

        {{#attributes.kommune}}
        ## Aus {{attributes.kommune}}

        Ein Absatz nur für Kommunen.
        {{/attributes.kommune}}

        Mit freundlichen Grüßen
        """

    private func bed(templates: String? = nil) throws -> (CLITestBed, SMTPTestServer) {
        let bed = try CLITestBed()
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        try bed.writeConfiguration(smtpPort: server.port, batchSize: 10, concurrency: 1)
        if let templates {
            var text = try String(contentsOfFile: bed.configPath, encoding: .utf8)
            text = text.replacingOccurrences(
                of: "directory = \"\(CLITestBed.repository.path)/templates\"", with: "directory = \"\(templates)\"")
            try Data(text.utf8).write(to: URL(fileURLWithPath: bed.configPath))
        }
        try bed.run(["lists", "create", "nrw", "--name", "Interkommunales.NRW"])
        return (bed, server)
    }

    private func write(_ text: String, _ name: String, in bed: CLITestBed) throws -> String {
        let path = bed.directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs the binary, returning the exit status and stderr (the bed's `run` throws on failure).
    private func attempt(_ bed: CLITestBed, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let result = try ChildProcess.run(RundbriefBinary.url, arguments + ["--config", bed.configPath])
        return (result.status, result.stderr)
    }

    private func sendAndWait(_ bed: CLITestBed, server: SMTPTestServer, messages: Int) async throws {
        let id = try bed.scheduleNow()
        let daemon = try bed.startSender()
        let done = try await eventually(timeout: .seconds(120)) { try bed.status(id)["status"] as? String == "done" }
        daemon.terminate()
        daemon.waitUntilExit()
        let log =
            (try? String(contentsOfFile: bed.directory.appendingPathComponent("sender.log").path, encoding: .utf8))
        #expect(done, "\(log ?? "")")
        #expect(try server.messageCount() == messages)
    }

    @Test func eachRecipientGetsTheirOwnValuesEscapedForHTMLAndPlainInText() async throws {
        let (bed, server) = try bed()
        defer { server.stop() }
        let csv = """
            email,name,kommune
            jana@stadt-unna.example,"Jana ""<script>alert(1)</script>"" & Co",Unna
            info@kreis-soest.example,,Soest

            """
        try bed.run(["subscribers", "import", try write(csv, "subscribers.csv", in: bed), "--list", "nrw"])
        try bed.run(["edition", "add", try write(Self.personalised, "ausgabe.md", in: bed)])
        try await sendAndWait(bed, server: server, messages: 2)

        let script = """
            import email, email.policy, pathlib, sys
            seen = {}
            for path in pathlib.Path(sys.argv[1]).glob('*.eml'):
                raw = path.read_bytes()
                m = email.message_from_bytes(raw, policy=email.policy.default)
                assert not m.defects, m.defects
                to = m['To'].addresses[0].addr_spec
                text = m.get_body(('plain',)).get_content()
                html = m.get_body(('html',)).get_content()
                seen[to] = (str(m['Subject']), text, html)
                assert '{{' not in text and '{{' not in html, to
                assert '\\ue000' not in text and '\\ue002' not in html, to
            subject, text, html = seen['jana@stadt-unna.example']
            assert subject == 'Neues für Unna', subject
            assert 'Liebe(r) Jana "<script>alert(1)</script>" & Co,' in text, text
            assert '&lt;' not in text and '&amp;' not in text, text
            assert 'Liebe(r) Jana &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; Co,' in html, html
            assert '<script>' not in html, html
            assert 'Sehr geehrte' not in text and 'Sehr geehrte' not in html
            assert 'die Zahlen für Unna gehen an jana@stadt-unna.example.' in ' '.join(text.split()), text
            assert '<strong style="font-weight:bold;">Unna</strong>' in html, html
            assert 'Aus Unna' in text and 'Ein Absatz nur für Kommunen.' in text, text
            assert 'Aus Unna</h2>' in html, html
            subject, text, html = seen['info@kreis-soest.example']
            assert subject == 'Neues für Soest', subject
            assert 'Sehr geehrte Damen und Herren,' in text and 'Liebe' not in text, text
            assert 'Sehr geehrte Damen und Herren,' in html and 'Liebe' not in html, html
            assert 'die Zahlen für Soest gehen an info@kreis-soest.example.' in ' '.join(text.split()), text
            assert 'Aus Soest' in text, text
            print('ok')
            """
        let check = try ChildProcess.python(script, [server.directory.path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func aSectionOnAnEmptyAttributeLeavesNoGapAndANameCannotInjectAHeader() async throws {
        let (bed, server) = try bed()
        defer { server.stop() }
        let csv = """
            email,name,kommune
            leser@example.net,Leser,

            """
        try bed.run(["subscribers", "import", try write(csv, "subscribers.csv", in: bed), "--list", "nrw"])
        try bed.run(["subscribers", "add", "evil@example.net", "--list", "nrw", "--name", "Eve"])
        // Written straight into the database: whatever way a line break gets into a name, it must not reach a header.
        try Self.sql(
            bed.directory.appendingPathComponent("rundbrief.sqlite").path,
            "UPDATE subscribers SET name = 'Eve' || char(13, 10) || 'Bcc: x@example.com' WHERE email = 'evil@example.net'"
        )
        let edition = """
            ---
            subject: "Hallo {{name}}"
            list: nrw
            slug: ausgabe-3
            ---
            Erster Absatz.

            {{#attributes.kommune}}
            ## Aus {{attributes.kommune}}
            {{/attributes.kommune}}

            Letzter Absatz.
            """
        try bed.run(["edition", "add", try write(edition, "ausgabe.md", in: bed)])
        try await sendAndWait(bed, server: server, messages: 2)
        let script = """
            import email, email.policy, pathlib, sys
            for path in pathlib.Path(sys.argv[1]).glob('*.eml'):
                raw = path.read_bytes()
                head = raw.split(b'\\r\\n\\r\\n', 1)[0]
                assert b'\\r\\nBcc:' not in head, head
                m = email.message_from_bytes(raw, policy=email.policy.default)
                text = m.get_body(('plain',)).get_content().replace('\\r\\n', '\\n')
                assert 'Erster Absatz.\\n\\nLetzter Absatz.' in text, repr(text)
                assert 'Aus' not in text
                to = m['To'].addresses[0].addr_spec
                if to == 'leser@example.net':
                    assert str(m['Subject']) == 'Hallo Leser', m['Subject']
                else:
                    assert str(m['Subject']) == 'Hallo Eve Bcc: x@example.com', m['Subject']
            print('ok')
            """
        let check = try ChildProcess.python(script, [server.directory.path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func aBrokenTemplateTheEditionDoesNotUseCannotStopItsSend() async throws {
        let templates = try CLITestBed().directory.appendingPathComponent("templates")
        try FileManager.default.createDirectory(
            at: templates.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: CLITestBed.repository.appendingPathComponent("templates"), to: templates)
        defer { try? FileManager.default.removeItem(at: templates.deletingLastPathComponent()) }
        let (bed, server) = try bed(templates: templates.path)
        defer { server.stop() }
        try bed.run(["subscribers", "add", "leser@example.net", "--list", "nrw", "--name", "Leser"])
        try bed.run(["edition", "add", try write(Self.personalised, "ausgabe.md", in: bed)])
        // Written after `edition add` passed, as in the report: a draft layout nobody uses yet.
        try Data("{{#entwurf}}\nunfertig\n".utf8).write(to: templates.appendingPathComponent("entwurf.html.mustache"))
        try await sendAndWait(bed, server: server, messages: 1)
    }

    @Test func editionAddNamesTheFileTheLineAndWhatToDoInOneLine() throws {
        let (bed, server) = try bed()
        defer { server.stop() }
        let cases: [(String, String, String)] = [
            (
                "---\nsubject: Hallo\npreheder: Vorschau\nlist: nrw\n---\nText\n", "ausgabe.md:3:",
                "did you mean 'preheader'"
            ),
            (
                "---\nsubject: Hallo\nlist: nrw\n---\nText\n\nLiebe {{nmae}},\n", "ausgabe.md:7:",
                "did you mean {{name}}"
            ),
            (
                "---\nsubject: Newsletter: Ausgabe 3\nlist: nrw\n---\nText\n", "ausgabe.md:2:",
                "put the subject in quotes: it contains a colon"
            ),
        ]
        for (text, location, advice) in cases {
            let path = try write(text, "ausgabe.md", in: bed)
            let result = try attempt(bed, ["edition", "add", path])
            #expect(result.status == 65, "\(text): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(location), "\(result.stderr)")
            #expect(result.stderr.contains(advice), "\(result.stderr)")
        }
        let missing = try attempt(bed, ["edition", "add", "/nonexistent/ausgabe.md"])
        #expect(missing.status == 66 && missing.stderr.contains("/nonexistent/ausgabe.md"), "\(missing.stderr)")
        let listed = try JSONSerialization.jsonObject(with: Data(try bed.run(["edition", "list", "--json"]).utf8))
        #expect((listed as? [Any])?.isEmpty == true)
    }

    @Test func fromInTheFrontMatterIsHonouredOnTheSenderDomainAndRefusedElsewhere() throws {
        let (bed, server) = try bed()
        defer { server.stop() }
        try bed.run(["subscribers", "add", "leser@example.net", "--list", "nrw", "--name", "Leser"])
        let foreign = "---\nsubject: Hallo\nlist: nrw\nfrom: presse@example.com\n---\nText\n"
        let refused = try attempt(bed, ["edition", "add", try write(foreign, "fremd.md", in: bed)])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("fremd.md:4:") && refused.stderr.contains("example.com"), "\(refused.stderr)")

        let own = "---\nsubject: Hallo\nlist: nrw\nfrom: presse@example.org\n---\nText\n"
        try bed.run(["edition", "add", try write(own, "eigen.md", in: bed)])
        let eml = bed.directory.appendingPathComponent("eigen.eml").path
        try bed.run(["edition", "render", "eigen", "--to", "leser@example.net", "--out", eml])
        let check = try ChildProcess.python(
            """
            import email, email.policy, sys
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            assert m['From'].addresses[0].addr_spec == 'presse@example.org', m['From']
            assert m['From'].addresses[0].display_name == 'Interkommunales.NRW', m['From']
            """, [eml])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func anEditionInUseCannotBeRemovedNorChangedWhileItsSendRuns() throws {
        let (bed, server) = try bed()
        defer { server.stop() }
        try bed.run(["subscribers", "add", "leser@example.net", "--list", "nrw", "--name", "Leser"])
        let path = try write(Self.personalised, "ausgabe.md", in: bed)
        try bed.run(["edition", "add", path])
        let output = try bed.run([
            "send", "schedule", "ausgabe-3", "--list", "nrw", "--at", "2099-01-01 10:00", "--json",
        ])
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["id"] as? Int)

        let refused = try attempt(bed, ["edition", "remove", "ausgabe-3"])
        #expect(refused.status == 65, "\(refused.stderr)")
        #expect(refused.stderr.contains("send \(id)"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")

        let database = bed.directory.appendingPathComponent("rundbrief.sqlite").path
        try Self.sql(database, "UPDATE sends SET status = 'running' WHERE id = \(id)")
        let changed = try attempt(bed, ["edition", "add", path])
        #expect(changed.status == 65, "\(changed.stderr)")
        #expect(changed.stderr.contains("send \(id)") && changed.stderr.contains("running"), "\(changed.stderr)")

        try Self.sql(database, "UPDATE sends SET status = 'cancelled' WHERE id = \(id)")
        #expect(try bed.run(["edition", "remove", "ausgabe-3"]).contains("removed edition ausgabe-3"))
        #expect(!(try bed.run(["edition", "list"])).contains("ausgabe-3"))
        #expect(try attempt(bed, ["edition", "show", "ausgabe-3"]).status == 66)
        // The cancelled send keeps its history; the slug can be used again.
        #expect(try bed.run(["send", "status", "\(id)"]).contains("cancelled"))
        try bed.run(["edition", "add", path])
        #expect(try bed.run(["edition", "list"]).contains("ausgabe-3"))
    }

    static func sql(_ database: String, _ statement: String) throws {
        let result = try ChildProcess.python(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(sys.argv[2]); db.commit()",
            [database, statement])
        #expect(result.status == 0, "\(result.stderr)")
    }
}
