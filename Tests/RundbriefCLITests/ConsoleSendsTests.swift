import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The console's sends pages in a real browser (Playwright driving Debian's chromium) against the real
/// daemon delivering into aiosmtpd: schedule to a segment through the confirmation step, watch the
/// progress bar reach the total without reloading, read the report, pause and resume a second send;
/// axe-core on every page, screenshots in `.build/console-screenshots`.
@Suite struct ConsoleSendsTests {
    @Test(
        "an editor schedules an edition to a segment in the browser, sees the audience size, watches it finish and reads its report",
        .timeLimit(.minutes(5))
    )
    func scheduleWatchAndReport() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let unna = (1...12).map { "person\($0)@unna.example" }
        let fixture = try SendsAPITests.mailFixture(server, unna: unna, rate: 4)
        defer { fixture.remove() }
        let password = "ein langes Passwort 1"
        #expect(
            try fixture.run(
                ["users", "add", "ben@example.de", "--role", "editor", "--password-stdin"],
                input: Data("\(password)\n".utf8)
            ).status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        let shots = ConsoleBrowserTests.packageRoot.appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)

        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3",
                ConsoleBrowserTests.packageRoot.appendingPathComponent("Tests/Support/console_sends.py").path,
                "http://127.0.0.1:\(port)", "ben@example.de", password, shots.path, SendsAPITests.edition,
                SendsAPITests.list, "unna", "hamm",
            ])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "browser: \(result.stdout)\n\(result.stderr.suffix(3_000))")
        let seen = report["seen"] as? [String: Any] ?? [:]
        #expect(seen["sends heading"] as? String == "Versände")
        #expect(seen["form time zone"] as? String == "Uhrzeit (Europe/Berlin)")
        #expect(seen["confirm heading"] as? String == "Versand bestätigen")
        #expect(seen["audience"] as? Int == 12)
        #expect(seen["sends before confirming"] as? Int == 0)
        // The bar reached the total while the page stayed (the script, not a reload).
        #expect(seen["progress at end"] as? [Int] == [12, 12])
        #expect(seen["stayed without reload"] as? Bool == true)
        #expect(seen["progress text"] as? String == "12 von 12")
        // The report equals what the SMTP server received for that send (the second went to Hamm only).
        #expect(await eventually(timeout: .seconds(30)) { (try? server.messageCount()) == 14 })
        let received = try server.recipients().filter { $0.hasSuffix("@unna.example") }
        #expect(Set(received) == Set(unna))
        let numbers = seen["report"] as? [String: String] ?? [:]
        #expect(numbers["gesendet"] == "\(received.count)", "\(numbers)")
        #expect(numbers["fehlgeschlagen"] == "0" && numbers["unzustellbar (dauerhaft)"] == "0")
        #expect(seen["delivery rows"] as? Int == 12)
        #expect(Set(try server.recipients()) == Set(unna + SendsAPITests.hamm))
        #expect(seen["second audience"] as? Int == 2)
        #expect((seen["second when"] as? String)?.hasPrefix("2030-01-02 10:00") == true, "\(seen["second when"] ?? "")")
        #expect(seen["second status"] as? String == "geplant")
        #expect(seen["after pause"] as? String == "angehalten")
        #expect(seen["pause message"] as? String == "Der Versand ist angehalten.")
        // A send that had not started goes at once when resumed.
        #expect(["geplant", "läuft", "abgeschlossen"].contains(seen["after resume"] as? String ?? ""))
        let guardText = seen["guard"] as? String ?? ""
        #expect(guardText.hasPrefix("Die Ausgabe \(SendsAPITests.edition) hat schon einen Versand"), "\(guardText)")
        #expect(seen["refused"] as? String == guardText)
        #expect(seen["cancel without csrf"] as? Int == 403)
        #expect(seen["after refused cancel"] as? String == "angehalten")
        #expect(seen["sends rows"] as? Int == 2)
        #expect((seen["console errors"] as? [String])?.isEmpty == true, "\(seen["console errors"] ?? "")")
        let violations = report["violations"] as? [String: Any] ?? [:]
        #expect(
            Set(violations.keys) == [
                "sends (empty)", "schedule form", "confirmation", "send report", "scheduled send", "paused send",
                "confirmation with guard", "sends",
            ])
        for (page, found) in violations.sorted(by: { $0.key < $1.key }) {
            #expect((found as? [String])?.isEmpty == true, "\(page): \(found)")
        }
        for name in ["sends", "send-form", "send-confirm", "send-report", "send-paused"] {
            for width in ["desktop", "phone"] {
                #expect(
                    FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name)-\(width).png").path))
            }
        }
        // Every change is an audit event naming the person.
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(line, ',') FROM (SELECT kind || ':' || source || ':' || json_extract(detail, '$.actor') AS line FROM events WHERE kind LIKE 'send.%' AND source = 'console' ORDER BY id)"
            )
                == "send.scheduled:console:ben@example.de,send.scheduled:console:ben@example.de,send.paused:console:ben@example.de,send.resumed:console:ben@example.de"
        )
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
