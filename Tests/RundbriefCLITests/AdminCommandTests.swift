import Foundation
import Testing

/// `rundbrief users` and `rundbrief api-keys`: the people who sign in to the console and the keys
/// scripts call the admin API with. Secrets are shown once and stored only as hashes.
struct AdminCommandTests {
    /// The text after "one-time password … : " in a command's output.
    static func oneTimePassword(in output: String) -> String? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("one-time password") }),
            let colon = line.lastIndex(of: ":")
        else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// Reads one value from the database with Python's sqlite3 (an independent reader).
    static func query(_ fixture: OpsFixture, _ sql: String) throws -> String {
        try ChildProcess.python(
            "import sqlite3, sys; print('\\n'.join(str(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))",
            [fixture.databasePath, sql]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("users add prints a one-time password once, stores only a bcrypt hash, and list/remove/reset-password work")
    func users() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }

        let added = try fixture.run(["users", "add", "anna@example.de", "--role", "editor", "--name", "Anna Beispiel"])
        #expect(added.status == 0, "\(added.stderr)")
        let oneTime = try #require(Self.oneTimePassword(in: added.stdout))
        #expect(oneTime.count == 16)

        let short = try fixture.run(
            ["users", "add", "ben@example.de", "--role", "admin", "--password-stdin"], input: Data("kurz\n".utf8))
        #expect(short.status == 65)
        #expect(short.stderr.contains("at least 12 characters"))
        let chosen = try fixture.run(
            ["users", "add", "ben@example.de", "--role", "admin", "--password-stdin"],
            input: Data("ein langes Passwort 1\n".utf8))
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(!chosen.stdout.contains("one-time"))

        let again = try fixture.run(["users", "add", "ANNA@example.de", "--role", "admin"])
        #expect(again.status == 65)
        #expect(again.stderr.contains("has an account already"))
        #expect(try fixture.run(["users", "add", "cleo@example.de", "--role", "boss"]).status == 64)
        #expect(try fixture.run(["users", "add", "not-an-address", "--role", "editor"]).status == 65)

        let listed = try fixture.run(["users", "list", "--json"])
        #expect(listed.status == 0)
        let people = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(people.map { $0["email"] as? String } == ["anna@example.de", "ben@example.de"])
        #expect(people[0]["must_change_password"] as? Bool == true)
        #expect(people[1]["must_change_password"] as? Bool == false)
        #expect(people[0]["role"] as? String == "editor" && people[1]["role"] as? String == "admin")
        #expect(!listed.stdout.contains("$2") && !listed.stdout.contains("hash"))

        // Only bcrypt hashes are stored; the one-time password itself is nowhere in the file.
        let hashes = try Self.query(fixture, "SELECT password_hash FROM users ORDER BY email")
        #expect(hashes.split(separator: "\n").allSatisfy { $0.hasPrefix("$2") })
        let file = try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath))
        #expect(file.range(of: Data(oneTime.utf8)) == nil)

        let reset = try fixture.run(["users", "reset-password", "anna@example.de"])
        #expect(reset.status == 0)
        let second = try #require(Self.oneTimePassword(in: reset.stdout))
        #expect(second != oneTime)
        #expect(try fixture.run(["users", "reset-password", "nobody@example.de"]).status == 66)

        #expect(try fixture.run(["users", "remove", "anna@example.de"]).status == 0)
        let gone = try fixture.run(["users", "remove", "anna@example.de"])
        #expect(gone.status == 66)
        #expect(gone.stderr.contains("no user anna@example.de"))
        #expect(try Self.query(fixture, "SELECT count(*) FROM users") == "1")
        #expect(
            try Self.query(fixture, "SELECT group_concat(kind) FROM (SELECT kind FROM events ORDER BY id)")
                == "user.added,user.added,user.password_reset,user.removed")
    }

    @Test("api-keys create prints the key once ({\"key\": …} with --json), stores its SHA-256 only; list and revoke")
    func apiKeys() throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }

        let created = try fixture.run(["api-keys", "create", "intranet", "--role", "editor", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let key = try #require(object["key"])
        #expect(key.hasPrefix("rbk_") && key.count >= 40)
        #expect(object["role"] == "editor")

        let plain = try fixture.run(["api-keys", "create", "backup", "--role", "admin"])
        #expect(plain.status == 0)
        #expect(plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("rbk_"))
        #expect(try fixture.run(["api-keys", "create", "intranet", "--role", "admin"]).status == 65)

        let stored = try Self.query(fixture, "SELECT key_hash FROM api_keys WHERE name = 'intranet'")
        let expected = try ChildProcess.python(
            "import hashlib, sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", [key]
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(stored == expected)
        let file = try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath))
        #expect(file.range(of: Data(key.utf8)) == nil)

        let listed = try fixture.run(["api-keys", "list", "--json"])
        #expect(listed.status == 0)
        #expect(!listed.stdout.contains(key) && !listed.stdout.contains(stored))
        #expect(listed.stdout.contains("\"intranet\"") && listed.stdout.contains("\"backup\""))

        #expect(try fixture.run(["api-keys", "revoke", "intranet"]).status == 0)
        #expect(try fixture.run(["api-keys", "revoke", "intranet"]).status == 66)
        let table = try fixture.run(["api-keys", "list"])
        #expect(table.stdout.contains("revoked"))
        // A revoked key's name may be used again: a new key, a new id.
        #expect(try fixture.run(["api-keys", "create", "intranet", "--role", "editor"]).status == 0)
        #expect(try Self.query(fixture, "SELECT group_concat(id) FROM api_keys WHERE name = 'intranet'") == "1,3")
    }
}
