import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The archive as the daemon serves it: a send of an archived edition starts, its message links
/// "Diese Ausgabe im Browser lesen" to the archive, and that page (and the feed) answer.
@Suite struct ArchiveServeTests {
    // The limit catches a hang, not slowness: in the full CLI run, other suites' blocking waits for their
    // child processes hold the test pool's two threads for minutes (2 minutes were exceeded that way once).
    @Test(.timeLimit(.minutes(10)))
    func aSentArchivedEditionIsInTheDaemonsArchiveAndItsMessageLinksThere() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let out = fixture.directory.appendingPathComponent("smtp")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let server = try SMTPTestServer(directory: out)
        defer { server.stop() }
        var config = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        config +=
            "\n[smtp]\nurl = \"smtp://127.0.0.1:\(server.port)\"\nstarttls = \"off\"\n"
            + "[sender]\naddress = \"newsletter@example.org\"\nname = \"Geschäftsstelle IKZ\"\n"
            + "imprint_url = \"https://www.example.org/impressum\"\n"
        try config.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(
            try fixture.run(["lists", "create", "interkommunales-nrw", "--name", "Interkommunales.NRW"]).status == 0)
        #expect(
            try fixture.run(["subscribers", "add", "jana@stadt-unna.example", "--list", "interkommunales-nrw"]).status
                == 0)
        #expect(try fixture.run(["edition", "add", EditionCommandTests.sample]).status == 0)
        let slug = "interkommunales-nrw-newsletter-III-2025"
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.httpPort())
        let base = "http://127.0.0.1:\(port)"
        // Before the send: not in the archive.
        #expect(try ServeTests.get("\(base)/archive/interkommunales-nrw/\(slug)").status != 0)
        #expect(
            try fixture.run(["send", "schedule", slug, "--list", "interkommunales-nrw", "--at", "now"]).status == 0)
        #expect(await eventually(timeout: .seconds(30)) { (try? server.messageCount()) == 1 })
        let page = try ServeTests.get("\(base)/archive/interkommunales-nrw/\(slug)")
        #expect(page.status == 0)
        #expect(page.body.contains("Sehr geehrte Damen und Herren"))
        #expect(page.body.contains("href=\"https://www.example.org/impressum\""))
        #expect(!page.body.contains("token") && !page.body.contains("jana@"))
        #expect(try ServeTests.get("\(base)/archive").body.contains("Newsletter III/2025 – Interkommunales.NRW"))
        #expect(try ServeTests.get("\(base)/archive/interkommunales-nrw/feed.atom").body.contains("<entry>"))
        // The message links that very page (under http.base_url, the fixture's default).
        let script = """
            import email, email.policy, sys
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            print(m.get_body(('plain',)).get_content())
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        python.arguments = ["-c", script, out.appendingPathComponent("1.eml").path]
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
        python.waitUntilExit()
        #expect(
            text.contains(
                "Diese Ausgabe im Browser lesen:\nhttp://127.0.0.1:8080/archive/interkommunales-nrw/\(slug)\n"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
