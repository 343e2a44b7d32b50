import Foundation
import RundbriefTestSupport
import Testing

/// `rundbrief db backup` and `db check` against real SQLite files.
@Suite("db backup and check")
struct DatabaseTests {
    /// Runs a Python snippet with the database path as argv[1].
    static func python(_ script: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func eventCount(_ path: String) -> Int {
        let script =
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])"
        guard let (_, text) = try? python(script, [path]) else { return 0 }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Inserts events in small transactions until a stop file appears; prints how many.
    static let writer = """
        import os, sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        n = 0
        while not os.path.exists(sys.argv[2]):
            db.execute("BEGIN IMMEDIATE")
            for _ in range(50):
                db.execute("INSERT INTO events(kind, source, created_at) VALUES('test', 'writer', '2025-01-01 00:00:00.000')")
            db.execute("COMMIT")
            n += 50
        print(n)
        """

    @Test("a backup taken while another process writes is a sound, consistent copy")
    func backupWhileWriting() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        #expect(try fixture.run(["lists", "create", "news", "--name", "News"]).status == 0)
        let stop = fixture.directory.appendingPathComponent("stop").path
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        writer.arguments = ["-c", Self.writer, fixture.databasePath, stop]
        let output = Pipe()
        writer.standardOutput = output
        try writer.run()
        #expect(await eventually(timeout: .seconds(20)) { Self.eventCount(fixture.databasePath) > 500 })

        let backup = fixture.directory.appendingPathComponent("backup.sqlite").path
        let result = try fixture.run(["db", "backup", backup])
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        let written =
            Int(
                String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        writer.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")

        let (status, text) = try Self.python(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute("PRAGMA integrity_check").fetchone()[0])
            print(db.execute("SELECT count(*) FROM events WHERE source = 'writer'").fetchone()[0])
            print(db.execute("SELECT slug FROM lists").fetchone()[0])
            print(db.execute("PRAGMA journal_mode").fetchone()[0])
            """, [backup])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(status == 0)
        #expect(lines.first == "ok")
        let copied = lines.count > 1 ? Int(lines[1]) ?? -1 : -1
        // Whole transactions only: the writer commits 50 rows at a time.
        #expect(copied > 0 && copied % 50 == 0 && copied <= written)
        #expect(lines.dropFirst(2).first == "news")
        #expect(lines.last == "delete", "a single file, no WAL needed")

        // The copy is a Rundbrief database the CLI accepts, and a second backup never overwrites.
        #expect(try fixture.run(["db", "backup", backup]).status != 0)
    }

    @Test("db check: healthy file passes, a dangling foreign key fails with the table named")
    func check() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        #expect(try fixture.run(["lists", "create", "news", "--name", "News"]).status == 0)
        let healthy = try fixture.run(["db", "check", "--json"])
        #expect(healthy.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(healthy.stdout.utf8)) as? [String: Any]
        #expect(report?["integrity"] as? [String] == ["ok"])
        #expect((report?["appliedMigrations"] as? [String])?.isEmpty == false)
        #expect((report?["pendingMigrations"] as? [String])?.isEmpty == true)

        _ = try Self.python(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("PRAGMA foreign_keys=OFF")
            db.execute("INSERT INTO subscriptions VALUES (999, 1, 'active', '2025-01-01', '2025-01-01')")
            db.commit()
            """, [fixture.databasePath])
        let broken = try fixture.run(["db", "check"])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("subscriptions"))
    }
}
