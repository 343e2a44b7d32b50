import Foundation
import Testing

/// `tokens generate-key`, run as the real binary.
@Suite struct TokensCommandTests {
    @Test func generatesAKeyOrRefusesABadID() throws {
        let fixture = try OpsFixture()
        let result = try ChildProcess.run(RundbriefBinary.url, ["tokens", "generate-key", "--id", "k7"])
        #expect(result.status == 0, "\(result.stderr)")
        let parts = result.stdout.trimmingCharacters(in: .newlines).split(separator: ":")
        #expect(parts.first == "k7")
        // 32 random bytes in base64url without padding, accepted by the configuration.
        #expect(parts.last?.count == 43)
        try
            "[database]\npath = \"\(fixture.databasePath)\"\n[tokens]\nkeys = [\"\(result.stdout.trimmingCharacters(in: .newlines))\"]\n"
            .write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(try fixture.run(["lists", "list"]).status == 0)

        let bad = try ChildProcess.run(RundbriefBinary.url, ["tokens", "generate-key", "--id", "k-7"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("1–16 letters and digits"))
        #expect(bad.stdout.isEmpty)
    }
}
