import Foundation
import Testing

/// `check-config` reports every problem of a file in one run, each with its file, line and key.
struct CheckConfigTests {
    @Test func everyProblemWithFileAndLine() throws {
        let fixture = try OpsFixture()
        let text =
            try String(contentsOfFile: fixture.configPath, encoding: .utf8)
                + """

                [smtp]
                url = "http://relay.example.org"
                concurrency = 0
                colour = "blue"
                """
        let broken = text.replacingOccurrences(of: "level = \"info\"", with: "level = \"chatty\"")
        try broken.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let lines = broken.split(separator: "\n", omittingEmptySubsequences: false)
        func line(_ prefix: String) -> Int { (lines.firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1 }

        let result = try fixture.run(["check-config"])
        #expect(result.status == 78)
        let path = fixture.configPath
        for expected in [
            "\(path):\(line("url =")): smtp.url:", "\(path):\(line("concurrency =")): smtp.concurrency:",
            "\(path):\(line("colour =")): smtp.colour: unknown key", "\(path):\(line("level =")): log.level:",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected) in \(result.stderr)")
        }
        #expect(result.stderr.split(separator: "\n").count == 4, "\(result.stderr)")
    }
}
