import Foundation
import Testing

/// Public and private lists and the membership filter of `subscribers list`, run as the real binary
/// against a real SQLite file.
@Suite struct ListCommandTests {
    let fixture: OpsFixture

    init() throws {
        fixture = try OpsFixture()
    }

    private func json(_ arguments: [String]) throws -> Any {
        let result = try fixture.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    private func lists() throws -> [String: [String: Any]] {
        let all = try #require(try json(["lists", "list", "--json"]) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: all.map { ($0["slug"] as? String ?? "", $0) })
    }

    @Test func listsArePublicUnlessCreatedOrMadePrivate() throws {
        #expect(try fixture.run(["lists", "create", "news", "--name", "Newsletter"]).status == 0)
        let created = try fixture.run(["lists", "create", "intern", "--name", "Intern", "--private", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("\"public\" : false"))
        var shown = try lists()
        #expect(shown["news"]?["public"] as? Bool == true)
        #expect(shown["intern"]?["public"] as? Bool == false)

        let update = try fixture.run([
            "lists", "update", "news", "--private", "--name", "Newsletter (alt)", "--description", "Archiv",
        ])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(try fixture.run(["lists", "update", "intern", "--public"]).status == 0)
        shown = try lists()
        #expect(shown["news"]?["public"] as? Bool == false)
        #expect(shown["news"]?["name"] as? String == "Newsletter (alt)")
        #expect(shown["news"]?["description"] as? String == "Archiv")
        #expect(shown["intern"]?["public"] as? Bool == true)
        #expect(shown["intern"]?["name"] as? String == "Intern")

        // Bad input: one line, an exit code, and nothing changed.
        let both = try fixture.run(["lists", "update", "intern", "--public", "--private"])
        #expect(both.status == 64)
        let unknown = try fixture.run(["lists", "update", "gibtsnicht", "--private"])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("no list 'gibtsnicht'"))
        let nothing = try fixture.run(["lists", "update", "intern"])
        #expect(nothing.status == 64)
        #expect(nothing.stderr.contains("nothing to change"))
        let empty = try fixture.run(["lists", "update", "intern", "--name", " "])
        #expect(empty.status == 65)
        #expect(try lists()["intern"]?["name"] as? String == "Intern")
        #expect(try lists()["intern"]?["public"] as? Bool == true)
    }

    /// Each list operation writes its audit event, naming who did it.
    @Test func listChangesAreAudited() throws {
        #expect(try fixture.run(["lists", "create", "news", "--name", "Newsletter"]).status == 0)
        #expect(try fixture.run(["lists", "update", "news", "--private"]).status == 0)
        let events = try ChildProcess.python(
            "import sqlite3, sys; print('\\n'.join(r[0] + ' ' + r[1] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT kind, source FROM events ORDER BY id\")))",
            [fixture.databasePath])
        #expect(events.stdout.split(separator: "\n") == ["list.created cli", "list.updated cli"])
    }

    /// A subscriber's history names who changed it from the shell, and an export of personal data is
    /// recorded with its filters and size.
    @Test func subscriberChangesAndExportsNameTheShellUser() throws {
        #expect(try fixture.run(["lists", "create", "news", "--name", "Newsletter"]).status == 0)
        #expect(try fixture.run(["subscribers", "add", "a@example.org", "--list", "news"]).status == 0)
        #expect(try fixture.run(["subscribers", "add", "b@example.org", "--list", "news"]).status == 0)
        #expect(try fixture.run(["subscribers", "remove", "a@example.org"]).status == 0)
        #expect(try fixture.run(["subscribers", "forget", "b@example.org"]).status == 0)
        #expect(try fixture.run(["subscribers", "export", "--list", "news", "--status", "unsubscribed"]).status == 0)
        let events = try ChildProcess.python(
            """
            import sqlite3, sys, json
            rows = sqlite3.connect(sys.argv[1]).execute("SELECT kind, source, detail FROM events ORDER BY id")
            print(json.dumps([[k, s, json.loads(d)] for k, s, d in rows]))
            """, [fixture.databasePath])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(events.stdout.utf8)) as? [[Any]])
        func row(_ kind: String) -> [String: String]? {
            rows.first { $0.first as? String == kind }.flatMap { $0.last as? [String: String] }
        }
        #expect(row("unsubscribed")?["actor"] != nil)
        #expect(row("forgotten")?["actor"] != nil)
        #expect(row("subscribers.exported")?["count"] == "1")
        #expect(row("subscribers.exported")?["status"] == "unsubscribed")
        #expect(rows.allSatisfy { $0.dropFirst().first as? String == "cli" })
    }

    /// `--status` with `--list` filters on the membership in that list, as `lists list` counts it.
    @Test func subscribersListFiltersOnTheMembershipStatus() throws {
        #expect(try fixture.run(["lists", "create", "news", "--name", "Newsletter"]).status == 0)
        #expect(try fixture.run(["lists", "create", "events", "--name", "Termine"]).status == 0)
        for address in ["a@example.org", "b@example.org", "c@example.org"] {
            #expect(try fixture.run(["subscribers", "add", address, "--list", "news"]).status == 0)
            #expect(try fixture.run(["subscribers", "add", address, "--list", "events"]).status == 0)
        }
        #expect(
            try fixture.run(["subscribers", "add", "d@example.org", "--list", "news", "--status", "pending"]).status
                == 0)
        // Two leave "news" only: they stay active overall and on "events".
        #expect(try fixture.run(["subscribers", "remove", "a@example.org", "--list", "news"]).status == 0)
        #expect(try fixture.run(["subscribers", "remove", "b@example.org", "--list", "news"]).status == 0)

        #expect(try lists()["news"]?["unsubscribed"] as? Int == 2)
        func emails(_ arguments: [String]) throws -> [String] {
            let rows = try #require(try json(["subscribers", "list", "--json"] + arguments) as? [[String: Any]])
            return rows.compactMap { $0["email"] as? String }
        }
        #expect(try emails(["--list", "news", "--status", "unsubscribed"]) == ["a@example.org", "b@example.org"])
        #expect(try emails(["--list", "news", "--status", "active"]) == ["c@example.org"])
        #expect(try emails(["--list", "news", "--status", "pending"]) == ["d@example.org"])
        #expect(try emails(["--list", "events", "--status", "unsubscribed"]) == [])
        #expect(try emails(["--list", "events", "--status", "active"]).count == 3)
        let text = try fixture.run(["subscribers", "list", "--list", "news", "--status", "unsubscribed"])
        #expect(text.stderr.contains("2 subscribers"))
        // The text shows the status in the list asked about.
        #expect(text.stdout.contains("a@example.org\tunsubscribed"))
        // The export filters the same way.
        let export = try fixture.run(["subscribers", "export", "--list", "news", "--status", "unsubscribed"])
        #expect(export.stdout.split(separator: "\r\n").count == 3)
    }
}
