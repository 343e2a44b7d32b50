import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Log lines carry `<N>` syslog priorities only when stderr is the journal stream systemd named.
@Suite("journal logging", .serialized)
struct JournalTests {
    /// "device:inode" of a file, as systemd writes $JOURNAL_STREAM.
    static func journalStream(of path: String) -> String {
        var info = stat()
        stat(path, &info)
        return "\(info.st_dev):\(info.st_ino)"
    }

    @Test("JOURNAL_STREAM matching stderr: every line has a priority prefix")
    func prefixesUnderJournal() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        _ = FileManager.default.createFile(atPath: fixture.stderrPath, contents: nil)
        let daemon = try DaemonProcess(
            fixture: fixture, environment: ["JOURNAL_STREAM": Self.journalStream(of: fixture.stderrPath)])
        #expect(await daemon.waitForLog("serving"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)

        let lines = daemon.log.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.wholeMatch(of: /<[0-7]>.+/) != nil, "line without priority: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("<6>serving http.address=") })
    }

    @Test("without JOURNAL_STREAM, or with one naming another file: plain lines")
    func plainOtherwise() async throws {
        for environment in [[:], ["JOURNAL_STREAM": "1:1"]] {
            let fixture = try OpsFixture()
            defer { fixture.remove() }
            let daemon = try DaemonProcess(fixture: fixture, environment: environment)
            #expect(await daemon.waitForLog("serving"))
            daemon.signal(SIGTERM)
            #expect(await daemon.waitForExit() == 0)
            let lines = daemon.log.split(separator: "\n")
            #expect(lines.contains { $0.contains(" info rundbrief: serving http.address=") })
            #expect(!lines.contains { $0.hasPrefix("<") })
            #expect(!daemon.log.contains("\u{1B}["), "no colour escapes")
        }
    }

    @Test("a failed reload is a warning (<4>), a successful one says what changed")
    func reloadLogLevels() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        _ = FileManager.default.createFile(atPath: fixture.stderrPath, contents: nil)
        let daemon = try DaemonProcess(
            fixture: fixture, environment: ["JOURNAL_STREAM": Self.journalStream(of: fixture.stderrPath)])
        #expect(await daemon.waitForLog("serving"))

        try fixture.writeConfig(logLevel: "debug")
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("<5>reloaded: templates, log.level info → debug"))

        try "[log\nbroken".write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("<4>reload failed, keeping the running configuration"))

        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        // Routine operation writes nothing an operator must act on.
        let actionable = daemon.log.split(separator: "\n").filter {
            $0.hasPrefix("<4>") || $0.hasPrefix("<3>")
        }
        #expect(actionable.count == 1)
    }

    @Test("at info level an address in a log line is masked")
    func addressesMasked() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let daemon = try DaemonProcess(fixture: fixture)
        #expect(await daemon.waitForLog("serving"))
        // The configuration error quotes the value, which contains an address.
        let broken =
            try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            + "\n[smtp]\nurl = \"anna@example.de\"\n"
        try broken.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(await daemon.waitForLog("reload failed"))
        #expect(daemon.log.contains("a***@example.de"))
        #expect(!daemon.log.contains("anna@example.de"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
