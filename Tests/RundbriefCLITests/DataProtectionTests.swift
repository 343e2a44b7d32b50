import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Personal data at rest: file modes whatever the umask, CSV exports that spreadsheets cannot
/// execute, and the public development key. All run as the built binary.
@Suite struct DataProtectionTests {
    /// Runs the binary through `sh` with `umask` set, as an operator's shell (or sudo) would.
    static func run(_ fixture: OpsFixture, umask: String, _ arguments: [String]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "umask \(umask); exec \"$@\"", "sh", RundbriefBinary.url.path] + arguments + [
                "--config", fixture.configPath,
            ])
        return (result.status, result.stdout, result.stderr)
    }

    static func mode(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o777)
    }

    @Test(arguments: ["0022", "0002"])
    func personalDataFilesAreOwnerOnly(umask: String) async throws {
        let fixture = try OpsFixture()
        #expect(try Self.run(fixture, umask: umask, ["lists", "create", "news", "--name", "News"]).status == 0)
        #expect(Self.mode(fixture.databasePath) == 0o600)
        #expect(
            try Self.run(fixture, umask: umask, ["subscribers", "add", "anna@example.de", "--list", "news"]).status == 0
        )

        let backup = fixture.directory.appendingPathComponent("backup.sqlite").path
        #expect(try Self.run(fixture, umask: umask, ["db", "backup", backup]).status == 0)
        #expect(Self.mode(backup) == 0o600)

        let export = fixture.directory.appendingPathComponent("export.csv").path
        #expect(try Self.run(fixture, umask: umask, ["subscribers", "export", "--out", export]).status == 0)
        #expect(Self.mode(export) == 0o600)
        // An existing file keeps no wider mode either.
        let json = fixture.directory.appendingPathComponent("export.json").path
        _ = FileManager.default.createFile(atPath: json, contents: nil, attributes: [.posixPermissions: 0o644])
        #expect(
            try Self.run(fixture, umask: umask, ["subscribers", "export", "--format", "json", "--out", json]).status
                == 0)
        #expect(Self.mode(json) == 0o600)

        // The running daemon: its WAL files and its heartbeat.
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/bin/sh")
        daemon.arguments = [
            "-c", "umask \(umask); exec \"$@\"", "sh", RundbriefBinary.url.path, "serve", "--config",
            fixture.configPath,
        ]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer {
            kill(daemon.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while daemon.isRunning && Date() < deadline { usleep(50_000) }
            if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        }
        let heartbeat = fixture.databasePath + ".daemon.json"
        #expect(await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: heartbeat) })
        #expect(Self.mode(heartbeat) == 0o600)
        for suffix in ["", "-wal", "-shm"] {
            #expect(Self.mode(fixture.databasePath + suffix) == 0o600, "database\(suffix)")
        }
    }

    @Test func csvExportNeutralisesFormulasAndRoundTripsByteForByte() throws {
        let fixture = try OpsFixture()
        #expect(try fixture.run(["lists", "create", "news", "--name", "News"]).status == 0)
        let people: [(String, String, String)] = [
            ("=1+2@example.de", "-1+HYPERLINK(\"http://evil.example\",\"x\")", "=cmd|' /C calc'!A0"),
            ("+49@example.de", "@SUM(A1)", "+1"),
            ("anna@example.de", "'quoted already", "@A1"),
            ("bernd@example.de", "Bernd \"B\" Groß, Jr.", "Kamen; Süd"),
            ("minus@example.de", "'=not a formula", "-"),
        ]
        for (email, name, town) in people {
            let added = try fixture.run([
                // `--name=` because ArgumentParser takes a value starting with "-" for an option.
                "subscribers", "add", email, "--list", "news", "--name=\(name)", "--attribute", "ort=\(town)",
            ])
            #expect(added.status == 0, "\(email): \(added.stderr)")
        }
        let first = try fixture.run(["subscribers", "export"])
        #expect(first.status == 0)
        let cells = first.stdout.split(separator: "\r\n").dropFirst().flatMap { Self.cells(String($0)) }
        // No cell a spreadsheet would evaluate: after CSV unquoting, none starts with = + - @ tab or CR,
        // except the addresses, which are quoted and unchanged.
        let addresses = Set(people.map(\.0))
        for cell in cells where !addresses.contains(cell) {
            #expect(!(cell.first.map { "=+-@\t\r".contains($0) } ?? false), "cell \(cell.debugDescription)")
        }
        #expect(first.stdout.contains("\"=1+2@example.de\""))

        // Import into a fresh database, export again: the same bytes.
        let file = fixture.directory.appendingPathComponent("export.csv").path
        try Data(first.stdout.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try OpsFixture()
        #expect(try copy.run(["lists", "create", "news", "--name", "News"]).status == 0)
        let imported = try copy.run(["subscribers", "import", file, "--list", "news"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let second = try copy.run(["subscribers", "export"])
        #expect(second.stdout == first.stdout)
        // And the values themselves came back unchanged.
        let shown = try copy.run(["subscribers", "show", "=1+2@example.de", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect(object?["name"] as? String == people[0].1)
        #expect((object?["attributes"] as? [String: String])?["ort"] == people[0].2)
    }

    /// The cells of one CSV line as a spreadsheet reads them (RFC 4180 quotes removed).
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" && current.isEmpty {
                quoted = true
            } else if character == "," {
                cells.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current)
        return cells
    }

    @Test func publicDevelopmentKeyIsWarnedAboutAndRefusedOffLoopback() throws {
        let fixture = try OpsFixture()
        let devKey = "dev:ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDEyMzQ1Njc4OQ"
        func write(baseURL: String, key: String = devKey) throws {
            try """
            [database]
            path = "\(fixture.databasePath)"
            [http]
            listen = "127.0.0.1:0"
            base_url = "\(baseURL)"
            [tokens]
            keys = ["\(key)"]
            [templates]
            directory = "\(fixture.templatesDirectory)"
            """.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        }
        try write(baseURL: "http://127.0.0.1:8080")
        let local = try fixture.run(["check-config"])
        #expect(local.status == 0)
        #expect(local.stderr.contains("warning: tokens.keys: key \"dev\" is the public development key"))

        // The same secret under another name is still the public key.
        try write(
            baseURL: "https://newsletter.example.org", key: "k1:ZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWNyZXQtMDEyMzQ1Njc4OQ")
        let remote = try fixture.run(["check-config"])
        #expect(remote.status == 78)
        let lines = remote.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(remote.stderr.contains("key \"k1\" is the public development key"))
        #expect(remote.stderr.contains("http.base_url"))
        let serve = try fixture.run(["serve"])
        #expect(serve.status == 78)
        #expect(serve.stderr.contains("key \"k1\" is the public development key"))

        // IPv6 loopback is loopback too; another key gets no warning.
        try write(baseURL: "http://[::1]:8080")
        #expect(try fixture.run(["check-config"]).status == 0)
        try write(baseURL: "http://localhost:8080", key: "test:dGVzdC1rZXktbm90LXNlY3JldC0wMTIzNDU2Nzg5")
        #expect(!(try fixture.run(["check-config"]).stderr.contains("public development key")))
    }
}
