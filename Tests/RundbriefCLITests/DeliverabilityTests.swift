import Foundation
import RundbriefTestSupport
import Testing

/// Issue 16 parts 2 and 3 end to end: the real daemon sends the sample edition through the aiosmtpd
/// server signed with an RSA and an Ed25519 key, and independent checkers read the bytes it sent
/// (dkimpy, Python's `email`, SpamAssassin); `dkim generate`, `check-config` and `bounce ingest`
/// run as the built binary.
@Suite(.serialized) struct DeliverabilityTests {
    static let repository = CLITestBed.repository
    static func fixture(_ name: String) -> String {
        repository.appendingPathComponent("Tests/RundbriefCoreTests/Fixtures/dkim/\(name)").path
    }

    /// The sample edition to one subscriber, as the daemon sent it: the raw bytes of the message.
    private func sendSampleEdition(_ bed: CLITestBed) async throws -> URL {
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        defer { server.stop() }
        try bed.writeConfiguration(smtpPort: server.port, batchSize: 10, concurrency: 1)
        try appendDKIM(to: bed.configPath)
        try bed.run(["lists", "create", "interkommunales-nrw", "--name", "Interkommunales.NRW"])
        try bed.run([
            "subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw", "--name", "Jana Schröder",
        ])
        try bed.run([
            "edition", "add",
            Self.repository.appendingPathComponent("templates/examples/interkommunales-nrw-newsletter-III-2025.md")
                .path,
        ])
        let output = try bed.run([
            "send", "schedule", "interkommunales-nrw-newsletter-III-2025", "--list", "interkommunales-nrw", "--at",
            "now", "--json",
        ])
        let sendID = try #require(
            (try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["id"] as? Int)
        let daemon = try bed.startSender()
        let done = try await eventually(timeout: .seconds(120)) {
            try bed.status(Int64(sendID))["status"] as? String == "done"
        }
        daemon.terminate()
        daemon.waitUntilExit()
        #expect(done)
        #expect(try server.messageCount() == 1)
        return server.directory.appendingPathComponent("1.eml")
    }

    private func appendDKIM(to configPath: String) throws {
        let text = """

            [dkim]
            domain = "example.org"
            [[dkim.key]]
            selector = "rsa2026"
            key_file = "\(Self.fixture("rsa2048.pem"))"
            [[dkim.key]]
            selector = "ed2026"
            key_file = "\(Self.fixture("ed25519.pem"))"

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: configPath))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    static let checkScript = """
        import dkim, email, email.policy, sys
        raw = open(sys.argv[1], 'rb').read()
        records = {b'rsa2026._domainkey.example.org.': open(sys.argv[2], 'rb').read().strip(),
                   b'ed2026._domainkey.example.org.': open(sys.argv[3], 'rb').read().strip()}
        dns = lambda name, timeout=5: records.get(name)

        def both_verify(message):
            d = dkim.DKIM(message)
            return [d.verify(idx=i, dnsfunc=dns) for i in range(2)]

        head = raw.split(b'\\r\\n\\r\\n', 1)[0]
        assert head.count(b'\\r\\nDKIM-Signature:') + head.startswith(b'DKIM-Signature:') == 2, 'two signatures'
        assert both_verify(raw) == [True, True], ('original', both_verify(raw))
        long = [line for line in head.split(b'\\r\\n') if len(line) > 78]
        assert not long, long
        m = email.message_from_bytes(raw, policy=email.policy.default)
        unsubscribe = str(m['List-Unsubscribe']).strip()
        assert unsubscribe.startswith('<https://news.example.org/u/'), unsubscribe
        assert '>, <mailto:unsubscribe+' in unsubscribe and unsubscribe.endswith('@example.org>'), unsubscribe
        assert m['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'
        for policy in (email.policy.default, email.policy.SMTP, email.policy.SMTPUTF8):
            again = email.message_from_bytes(raw, policy=policy).as_bytes(policy=policy).replace(b'\\r\\n', b'\\n').replace(b'\\n', b'\\r\\n')
            field = [l for l in again.split(b'\\r\\n\\r\\n', 1)[0].replace(b'\\r\\n ', b' ').split(b'\\r\\n') if l.lower().startswith(b'list-unsubscribe:')]
            assert field and b'=?' not in field[0], field
            assert both_verify(again) == [True, True], (policy, both_verify(again))
        print(unsubscribe)
        """

    @Test func theDaemonSignsWithBothKeysAndTheUnsubscribeHeaderSurvivesARelay() async throws {
        let bed = try CLITestBed()
        let eml = try await sendSampleEdition(bed)
        let check = try ChildProcess.python(
            Self.checkScript, [eml.path, Self.fixture("rsa2048.dns"), Self.fixture("ed25519.dns")])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func spamAssassinScoresTheSentSampleEditionAtMostZero() async throws {
        let bed = try CLITestBed()
        let eml = try await sendSampleEdition(bed)
        // Debian's shipped rules, local tests only (-L: no DNS or network), nothing learned or written.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/spamassassin")
        process.arguments = ["-L", "-t", "-x", "--cf=bayes_auto_learn 0"]
        process.standardInput = try FileHandle(forReadingFrom: eml)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The report keeps the message's CRLF line ends.
        let lines = report.split(whereSeparator: \.isNewline).map(String.init)
        let status = try #require(
            lines.first { $0.hasPrefix("X-Spam-Status:") },
            "no X-Spam-Status in: \(report.prefix(300))")
        let score = try #require(
            status.split(separator: " ").first { $0.hasPrefix("score=") }.flatMap { Double($0.dropFirst(6)) })
        let tests = lines.drop { !$0.hasPrefix("X-Spam-Status:") }.prefix(3)
        print("spamassassin: score \(score): \(tests.joined(separator: " "))")
        #expect(score <= 0, "\(tests.joined(separator: "\n"))")
    }

    @Test func dkimGenerateWritesAPrivateKeyAndCheckConfigPrintsEachRecord() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let rsaPath = fixture.directory.appendingPathComponent("rsa2026.pem").path
        let edPath = fixture.directory.appendingPathComponent("ed2026.pem").path
        let rsa = try fixture.run([
            "dkim", "generate", "--selector", "rsa2026", "--algorithm", "rsa", "--out", rsaPath, "--domain",
            "example.org",
        ])
        #expect(rsa.status == 0, "\(rsa.stderr)")
        #expect(rsa.stdout.hasPrefix("rsa2026._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p=MII"))
        // Without --domain: the sender address's domain (no dkim.domain is configured yet).
        var text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        text += "\n[sender]\naddress = \"newsletter@example.org\"\n"
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let edWithSender = try fixture.run([
            "dkim", "generate", "--selector", "ed2026", "--algorithm", "ed25519", "--out", edPath,
        ])
        #expect(edWithSender.status == 0, "\(edWithSender.stderr)")
        #expect(edWithSender.stdout.hasPrefix("ed2026._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p="))
        for path in [rsaPath, edPath] {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        let again = try fixture.run([
            "dkim", "generate", "--selector", "rsa2026", "--algorithm", "rsa", "--out", rsaPath,
        ])
        #expect(again.status == 73 && again.stderr.contains("exists"), "\(again.stderr)")

        // check-config loads each key and prints what to publish; a 1024-bit key gets a warning.
        text += """
            [dkim]
            domain = "example.org"
            selector = "legacy"
            key_file = "\(Self.fixture("rsa1024.pem"))"
            [[dkim.key]]
            selector = "rsa2026"
            key_file = "\(rsaPath)"
            [[dkim.key]]
            selector = "ed2026"
            key_file = "\(edPath)"

            """
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let checked = try fixture.run(["check-config"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let published = checked.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("dkim: publish ") }
        #expect(published.count == 3)
        #expect(published.contains { $0.contains(rsa.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(published.contains { $0.contains(edWithSender.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(checked.stderr.contains("\"legacy\"") && checked.stderr.contains("1024 bits"), "\(checked.stderr)")

        // A key that cannot be used is named, and the configuration refused.
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: edPath))
        let broken = try fixture.run(["check-config"])
        #expect(broken.status == 78)
        #expect(broken.stderr.contains("ed2026") && broken.stderr.contains(edPath), "\(broken.stderr)")
    }

    @Test func checkConfigAndServeRefuseAPlainHTTPBaseURL() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        var text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "[http]\nlisten = \"127.0.0.1:0\"",
            with: "[http]\nlisten = \"127.0.0.1:0\"\nbase_url = \"http://newsletter.example.org\"")
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        for command in [["check-config"], ["serve"]] {
            let result = try fixture.run(command)
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("http.base_url") && result.stderr.contains("https://"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    @Test func aReplyToTheMailtoAddressUnsubscribesThroughBounceIngest() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        var text = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        text += "\n[sender]\naddress = \"newsletter@example.org\"\n"
        try text.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(
            try fixture.run(["lists", "create", "interkommunales-nrw", "--name", "Interkommunales.NRW"]).status == 0)
        #expect(
            try fixture.run(["subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw"]).status
                == 0)
        let sample = Self.repository.appendingPathComponent(
            "templates/examples/interkommunales-nrw-newsletter-III-2025.md")
        #expect(try fixture.run(["edition", "add", sample.path]).status == 0)
        let eml = fixture.directory.appendingPathComponent("jana.eml").path
        let rendered = try fixture.run([
            "edition", "render", "interkommunales-nrw-newsletter-III-2025", "--to", "jana@stadt-unna.example", "--out",
            eml,
        ])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let message = try String(contentsOfFile: eml, encoding: .utf8)
        let mailto = try #require(
            message.components(separatedBy: "<mailto:").dropFirst().first?.components(separatedBy: ">").first)
        #expect(mailto.hasPrefix("unsubscribe+") && !mailto.contains("?"))

        // A forged tag changes nothing; the real address (as a mail client writes it) unsubscribes.
        let forged = mailto.replacingOccurrences(of: "+", with: "+9")
        for (address, expected) in [(forged, "active"), (mailto.uppercased(), "unsubscribed")] {
            let reply =
                "From: Jana <jana@stadt-unna.example>\r\nTo: \(address)\r\nSubject: Abmelden\r\n"
                + "Message-ID: <reply-\(UUID())@stadt-unna.example>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\nBitte abmelden.\r\n"
            let ingest = try fixture.run(["bounce", "ingest"], input: Data(reply.utf8))
            #expect(ingest.status == 0)
            let status = try ChildProcess.python(
                "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT status FROM subscriptions').fetchone()[0])",
                [fixture.databasePath])
            #expect(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(address)")
        }
    }
}
