import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Segments through the built binary: the commands, the refusals of `send schedule`, and a segment
/// send by `rundbrief serve` through `smtp_server.py` that reaches exactly the matching active members.
@Suite(.serialized) struct SegmentCommandTests {
    /// Kreis Unna without the press: who a segment `kreis = "Unna" and rolle != "Presse"` selects.
    static let members: [(email: String, kreis: String, rolle: String, kommune: String)] = [
        ("jana@stadt-unna.example", "Unna", "Bürgermeisterin", "Unna"),
        ("bernd@kamen.example", "UNNA", "Wirtschaftsförderung", "Kamen"),
        ("presse@stadt-unna.example", "Unna", "Presse", "Unna"),
        ("kemal@kreis-soest.example", "Soest", "Digitalisierung", "Soest"),
        ("ida@boenen.example", "Unna", "", "Bönen"),
        ("geht@selm.example", "Unna", "Kämmerer", "Selm"),
        ("uwe@werne.example", "unna", "Presse", "Werne"),
    ]
    static let filter = #"kreis = "Unna" and rolle != "Presse""#

    /// A bed with the list `nrw` (the members above plus one pending), a list `other` with a
    /// segment of its own, and the edition `ausgabe-3`.
    func prepare(_ bed: CLITestBed) throws {
        try bed.run(["lists", "create", "nrw", "--name", "Interkommunales.NRW"])
        try bed.run(["lists", "create", "other", "--name", "Andere"])
        var csv = "email;Kreis;Rolle;Kommune\n"
        for member in Self.members { csv += "\(member.email);\(member.kreis);\(member.rolle);\(member.kommune)\n" }
        let path = bed.directory.appendingPathComponent("kontakte.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        try bed.run(["subscribers", "import", path, "--list", "nrw"])
        try bed.run([
            "subscribers", "add", "wartet@unna.example", "--list", "nrw", "--status", "pending",
            "--attribute", "kreis=Unna",
        ])
        try bed.run(["subscribers", "add", "x@other.example", "--list", "other", "--attribute", "kreis=Unna"])
        try bed.run(["segments", "create", "fremd", "--list", "other", "--where", #"kreis = "Unna""#])
        let edition = bed.directory.appendingPathComponent("ausgabe.md").path
        let source = """
            ---
            subject: "Newsletter III/2025"
            list: nrw
            slug: ausgabe-3
            ---
            Sehr geehrte Damen und Herren,

            die dritte Ausgabe.
            """
        try Data(source.utf8).write(to: URL(fileURLWithPath: edition))
        try bed.run(["edition", "add", edition])
    }

    func attempt(_ bed: CLITestBed, _ arguments: [String]) throws -> ChildResult {
        try ChildProcess.run(RundbriefBinary.url, arguments + ["--config", bed.configPath])
    }

    func sendCount(_ bed: CLITestBed) throws -> Int {
        (try JSONSerialization.jsonObject(with: Data(bed.run(["send", "list", "--json"]).utf8)) as? [Any])?.count ?? -1
    }

    func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func aSegmentSendReachesExactlyTheMatchingActiveMembers() async throws {
        let bed = try CLITestBed()
        let server = try SMTPTestServer(directory: bed.directory.appendingPathComponent("mail"))
        defer { server.stop() }
        try bed.writeConfiguration(smtpPort: server.port, batchSize: 10, concurrency: 2)
        try prepare(bed)

        // Given a segment of Kreis Unna without the press
        let created = try json(
            bed.run([
                "segments", "create", "unna", "--list", "nrw", "--where", Self.filter, "--name", "Kreis Unna",
                "--json",
            ]))
        #expect(created["count"] as? Int == 4, "jana, bernd (UNNA), ida (no role), geht; not the pending one")
        #expect(created["where"] as? String == Self.filter)
        #expect(created["list"] as? String == "nrw")
        // When one of them unsubscribes after the segment was created
        try bed.run(["subscribers", "remove", "geht@selm.example", "--list", "nrw"])
        let shown = try json(bed.run(["segments", "show", "unna", "--json"]))
        #expect(shown["count"] as? Int == 3)

        // Then a dry run prints the audience and schedules nothing
        let dry = try bed.run([
            "send", "schedule", "ausgabe-3", "--list", "nrw", "--segment", "unna", "--at", "now", "--dry-run",
        ])
        #expect(dry.contains("would reach 3 active members"), "\(dry)")
        #expect(try sendCount(bed) == 0)

        // And the send records its segment and filter
        let scheduled = try json(
            bed.run(["send", "schedule", "ausgabe-3", "--list", "nrw", "--segment", "unna", "--at", "now", "--json"]))
        let sendID = try #require(scheduled["id"] as? Int)
        #expect(scheduled["segment"] as? String == "unna")
        #expect(scheduled["where"] as? String == Self.filter)
        // A segment in use cannot be removed
        let removal = try attempt(bed, ["segments", "remove", "unna"])
        #expect(removal.status == 65)
        #expect(removal.stderr.contains("used by send \(sendID)"), "\(removal.stderr)")

        let daemon = try bed.startSender()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let done = try await eventually(timeout: .seconds(60)) {
            try bed.status(Int64(sendID))["status"] as? String == "done"
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(done)
        let received = try server.recipients()
        #expect(received.sorted() == ["bernd@kamen.example", "ida@boenen.example", "jana@stadt-unna.example"])
        let status = try bed.status(Int64(sendID))
        #expect(status["sent"] as? Int == 3 && status["total"] as? Int == 3)
        #expect(status["segment"] as? String == "unna")
        #expect(status["where"] as? String == Self.filter)

        // Once the send is done the segment can go; the send keeps the filter it used
        try bed.run(["segments", "remove", "unna"])
        let after = try bed.status(Int64(sendID))
        #expect(after["segment"] == nil && after["where"] as? String == Self.filter)
    }

    @Test func badAudiencesGetOneLineAndChangeNothing() throws {
        let bed = try CLITestBed()
        try bed.writeConfiguration(smtpPort: 9, batchSize: 10, concurrency: 1)
        try prepare(bed)
        try bed.run(["segments", "create", "unna", "--list", "nrw", "--where", Self.filter])
        let schedule = ["send", "schedule", "ausgabe-3", "--list", "nrw", "--at", "now"]

        let cases: [(arguments: [String], status: Int32, message: String)] = [
            (["--segment", "unna", "--where", Self.filter], 64, "either --segment or --where, not both"),
            (["--segment", "fremd"], 65, "segment 'fremd' belongs to the list other, not to nrw"),
            (["--where", #"kreis = Unna"#], 65, #"invalid filter at column 9: expected a text in double quotes"#),
            (["--where", #"kreis = "Nirgendwo""#], 65, "the filter matches no active member of nrw now"),
            (["--where", #"kreis = "Unna""#, "--dry-run", "--segment", "unna"], 64, "not both"),
            (["--segment", "gibt-es-nicht"], 66, "no segment 'gibt-es-nicht'"),
        ]
        for (arguments, status, message) in cases {
            let result = try attempt(bed, schedule + arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        #expect(try sendCount(bed) == 0)

        // A segment with a syntax error is not stored; one naming an attribute nobody has is, with a warning
        let broken = try attempt(bed, ["segments", "create", "kaputt", "--list", "nrw", "--where", "(has kreis"])
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("column 11: expected ')' to close the '(' at column 1"), "\(broken.stderr)")
        let typo = try attempt(bed, ["segments", "create", "tippfehler", "--list", "nrw", "--where", "has kries"])
        #expect(typo.status == 0)
        #expect(typo.stderr.contains("warning: no member of nrw has the attribute kries"), "\(typo.stderr)")
        let list = try JSONSerialization.jsonObject(with: Data(bed.run(["segments", "list", "--json"]).utf8))
        #expect((list as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["fremd", "tippfehler", "unna"])

        // Counting a filter stores nothing
        let counted = try attempt(
            bed, ["segments", "count", "--list", "nrw", "--where", #"kommune in ("Bönen", "KAMEN")"#])
        #expect(counted.status == 0 && counted.stdout == "2\n", "\(counted)")
        let miscounted = try attempt(bed, ["segments", "count", "--list", "nrw", "--where", "kommune ="])
        #expect(miscounted.status == 65 && miscounted.stderr.contains("column 10"), "\(miscounted.stderr)")

        // An ad-hoc filter is recorded on the send without a segment
        let scheduled = try json(bed.run(schedule + ["--where", #"kommune in ("Bönen", "Kamen")"#, "--json"]))
        #expect(scheduled["where"] as? String == #"kommune in ("Bönen", "Kamen")"#)
        #expect(scheduled["segment"] == nil)
        #expect(scheduled["status"] as? String == "scheduled")
    }
}
