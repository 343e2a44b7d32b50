import Foundation
import Testing

/// The subscriber and list commands, run as the real binary against a real SQLite file.
@Suite struct SubscriberCommandTests {
    let fixture: OpsFixture

    init() throws {
        fixture = try OpsFixture()
        #expect(try fixture.run(["lists", "create", "news", "--name", "Newsletter"]).status == 0)
    }

    private func json(_ arguments: [String]) throws -> Any {
        let result = try fixture.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = fixture.directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func addShowListRemoveAndForget() throws {
        #expect(
            try fixture.run([
                "subscribers", "add", "Anna@Bücher.DE", "--list", "news", "--name", "Anna", "--attribute", "Ort=Unna",
            ])
            .status == 0)
        let shown = try #require(try json(["subscribers", "show", "anna@bücher.de", "--json"]) as? [String: Any])
        #expect(shown["email"] as? String == "Anna@xn--bcher-kva.de")
        #expect(shown["status"] as? String == "active")
        #expect((shown["attributes"] as? [String: String])?["ort"] == "Unna")
        #expect((shown["lists"] as? [[String: Any]])?.first?["list"] as? String == "news")
        #expect(((shown["events"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "subscribed" })

        let listed = try #require(try json(["subscribers", "list", "--json"]) as? [[String: Any]])
        #expect(listed.map { $0["email"] as? String } == ["Anna@xn--bcher-kva.de"])

        #expect(try fixture.run(["subscribers", "remove", "anna@bücher.de"]).status == 0)
        let removed = try #require(try json(["subscribers", "show", "anna@bücher.de", "--json"]) as? [String: Any])
        #expect(removed["status"] as? String == "unsubscribed")

        #expect(try fixture.run(["subscribers", "forget", "anna@bücher.de"]).status == 0)
        let gone = try fixture.run(["subscribers", "show", "anna@bücher.de", "--json"])
        #expect(gone.status == 66)
        #expect(!gone.stderr.contains("bücher"))
    }

    @Test func invalidInputGetsAReasonAndAUsefulExitCode() throws {
        let invalid = try fixture.run(["subscribers", "add", "not an address", "--list", "news"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("invalid address"))
        let unknownList = try fixture.run(["subscribers", "add", "a@example.de", "--list", "nope"])
        #expect(unknownList.status == 66)
        #expect(unknownList.stderr.contains("no list 'nope'"))
        let badSlug = try fixture.run(["lists", "create", "Bad Slug", "--name", "x"])
        #expect(badSlug.status == 65)
        #expect(try fixture.run(["lists", "create", "news", "--name", "Again"]).status == 65)
    }

    @Test func importReportsBadRowsImportsGoodOnesAndExportsRoundTrip() throws {
        let csv = try file(
            "kontakte.csv",
            Array(
                "\u{FEFF}E-Mail;Vorname;Nachname;Kommune\r\nanna@beispiel.de;Anna;Müller;Unna\r\nkaputt;x;y;z\r\nbernd@beispiel.de;Bernd;\"Groß; Sohn\";Kamen\r\nANNA@beispiel.de;A;B;C\r\n"
                    .utf8))
        let result = try fixture.run(["subscribers", "import", csv, "--list", "news"])
        #expect(result.status == 65)  // some rows rejected, the rest imported
        #expect(result.stdout.contains("imported 2, updated 0, unchanged 0, skipped 1, rejected 1"))
        #expect(result.stderr.contains("kontakte.csv:3: rejected: invalid address"))
        #expect(result.stderr.contains("kontakte.csv:5: skipped: duplicate of line 2"))

        // Idempotent: the same file again changes nothing and duplicates nothing.
        let again = try fixture.run(["subscribers", "import", csv, "--list", "news", "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Int])
        #expect(summary["imported"] == 0)
        #expect(summary["unchanged"] == 2)

        let export = try fixture.run(["subscribers", "export", "--list", "news"])
        #expect(export.status == 0)
        let lines = export.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "email,name,status,created_at,kommune")
        #expect(
            lines.contains { $0.hasPrefix("bernd@beispiel.de,\"Bernd Groß; Sohn\",active,") && $0.hasSuffix(",Kamen") })

        // An export is importable again.
        let exported = try file("export.csv", Array(export.stdout.utf8))
        #expect(try fixture.run(["lists", "create", "copy", "--name", "Copy"]).status == 0)
        let reimport = try fixture.run(["subscribers", "import", exported, "--list", "copy"])
        #expect(reimport.stdout.contains("imported 2"))
    }

    @Test func aFileWithoutAnEmailColumnOrInLatin1IsReportedClearly() throws {
        let noEmail = try file("ohne.csv", Array("Name;Ort\nAnna;Unna\n".utf8))
        let refused = try fixture.run(["subscribers", "import", noEmail, "--list", "news"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("no email column"))

        let latin1 = try file("latin1.csv", Array("email;name\nm@beispiel.de;M".utf8) + [0xFC] + Array("ller\n".utf8))
        let result = try fixture.run(["subscribers", "import", latin1, "--list", "news"])
        #expect(result.stderr.contains("latin1.csv:2: rejected"))
        #expect(result.stderr.contains("UTF-8"))

        let missing = try fixture.run(["subscribers", "import", "/nonexistent.csv", "--list", "news"])
        #expect(missing.status == 66)
    }
}

/// `check-config` and the environment overrides.
@Suite struct ConfigurationCommandTests {
    @Test func errorsNameTheFileLineAndKey() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        #expect(try fixture.run(["check-config"]).status == 0)
        try "[smtp]\nconcurrency = 0\n".write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let result = try fixture.run(["check-config"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(fixture.configPath):2: smtp.concurrency: must be between 1 and 64 (got 0)"))

        try "[smtp]\nconcurency = 2\n".write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(try fixture.run(["check-config"]).stderr.contains("smtp.concurency: unknown key"))
        try "[smtp\nurl = 1\n".write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(try fixture.run(["check-config"]).stderr.contains("\(fixture.configPath):1"))
    }

    @Test func environmentVariablesOverrideKeys() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = RundbriefBinary.url
        process.arguments = ["check-config", "--config", fixture.configPath]
        process.environment = ["RUNDBRIEF_SMTP_CONCURRENCY": "0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(stderr.contains("environment RUNDBRIEF_SMTP_CONCURRENCY: smtp.concurrency"))
    }
}
