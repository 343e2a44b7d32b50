import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Subscribers and bounces through the admin API of the real daemon, over real HTTP, checked in the
/// SQLite file.
struct PeopleAPITests {
    @Test(
        "editors read subscribers and bounces but change nothing (403); admins add, update, unsubscribe and forget")
    func rolesAndChanges() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "active")
        let editor = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let admin = try AdminServeTests.key(fixture, "betrieb", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        func call(_ method: String, _ path: String, key: String?, json: String? = nil) throws -> HTTPClient.Answer {
            try client.send(
                method, base + path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], json: json)
        }
        func count(_ sql: String) throws -> String { try AdminCommandTests.query(fixture, sql) }

        // A forged key: 401, nothing read.
        let forged = try call("GET", "/subscribers/anna@example.de", key: "rbk_forged")
        #expect(forged.status == 401)
        #expect(forged.headers["content-type"] == "application/problem+json")

        // Editors may read a person and the bounces ...
        let shown = try call("GET", "/subscribers/anna@example.de", key: editor)
        #expect(shown.status == 200, "\(shown.body)")
        let profile = try #require(AdminServeTests.json(shown.body))
        #expect(profile["email"] as? String == "anna@example.de")
        #expect(profile["deliveries"] as? [Any] != nil && profile["bounces"] as? [Any] != nil)
        let id = try #require(profile["id"] as? Int)
        #expect(
            AdminServeTests.json(try call("GET", "/subscribers/\(id)", key: editor).body)?["email"] as? String
                == "anna@example.de")
        #expect(try call("GET", "/subscribers/999999", key: editor).status == 404)
        #expect(try call("GET", "/subscribers/not-an-address", key: editor).status == 404)
        #expect(try call("GET", "/bounces", key: editor).status == 200)
        #expect(try call("GET", "/bounces?kind=nonsense", key: editor).status == 400)

        // ... but change nothing: every change is 403 with the operation's words, and the file is untouched.
        let refusals: [(String, String, String?)] = [
            ("POST", "/subscribers", #"{"email":"cleo@example.de","list":"news"}"#),
            ("PATCH", "/subscribers/anna@example.de", #"{"name":"Eve"}"#),
            ("POST", "/subscribers/anna@example.de/unsubscribe", nil),
            ("DELETE", "/subscribers/anna@example.de", nil),
            ("GET", "/subscribers/export", nil),
        ]
        for (method, path, body) in refusals {
            let answer = try call(method, path, key: editor, json: body)
            #expect(answer.status == 403, "\(method) \(path) answered \(answer.status)")
            #expect((AdminServeTests.json(answer.body)?["detail"] as? String)?.hasPrefix("only admins may") == true)
        }
        #expect(try count("SELECT count(*) FROM subscribers") == "2")
        #expect(try count("SELECT name || status FROM subscribers WHERE email = 'anna@example.de'") == "active")

        // Admins: add (201), a bad address (422), bad JSON (400), an unknown list (404).
        let added = try call(
            "POST", "/subscribers", key: admin,
            json: #"{"email":"cleo@Example.DE","list":"news","name":"Cleo","attributes":{"Stadt":"Kiel"}}"#)
        #expect(added.status == 201, "\(added.body)")
        #expect(AdminServeTests.json(added.body)?["email"] as? String == "cleo@example.de")
        #expect(try call("POST", "/subscribers", key: admin, json: #"{"email":"nope","list":"news"}"#).status == 422)
        #expect(try call("POST", "/subscribers", key: admin, json: #"{"email":"#).status == 400)
        #expect(
            try call("POST", "/subscribers", key: admin, json: #"{"email":"dora@example.de","list":"gibtsnicht"}"#)
                .status == 404)
        #expect(try count("SELECT json_extract(attributes, '$.stadt') FROM subscribers WHERE name = 'Cleo'") == "Kiel")

        // Update name and attributes; a two-line name is refused and changes nothing.
        let updated = try call(
            "PATCH", "/subscribers/cleo@example.de", key: admin,
            json: #"{"name":"Cleo M.","attributes":{"plz":"24103"}}"#)
        #expect(updated.status == 200, "\(updated.body)")
        #expect(
            try count("SELECT name || ' ' || attributes FROM subscribers WHERE email = 'cleo@example.de'")
                == #"Cleo M. {"plz":"24103"}"#)
        #expect(
            try call("PATCH", "/subscribers/cleo@example.de", key: admin, json: #"{"name":"a\nb"}"#).status == 422)
        #expect(try count("SELECT name FROM subscribers WHERE email = 'cleo@example.de'") == "Cleo M.")

        // Unsubscribe from every list: changed once, then nothing to change.
        let unsubscribed = try call("POST", "/subscribers/ben@example.de/unsubscribe", key: admin)
        #expect(unsubscribed.status == 200)
        #expect(AdminServeTests.json(unsubscribed.body)?["changed"] as? Bool == true)
        #expect(
            AdminServeTests.json(try call("POST", "/subscribers/ben@example.de/unsubscribe", key: admin).body)?[
                "changed"] as? Bool == false)
        #expect(try count("SELECT status FROM subscribers WHERE email = 'ben@example.de'") == "unsubscribed")

        // Forget: the personal data is gone from every table; an unknown address answers the same (no enumeration).
        #expect(try call("DELETE", "/subscribers/cleo@example.de", key: admin).status == 204)
        #expect(try call("DELETE", "/subscribers/nobody@example.de", key: admin).status == 204)
        #expect(
            try count("SELECT count(*) FROM subscribers WHERE email = 'cleo@example.de' OR name LIKE 'Cleo%'") == "0")
        #expect(try count("SELECT count(*) FROM events WHERE detail LIKE '%cleo@%' OR detail LIKE '%Kiel%'") == "0")
        #expect(try call("GET", "/subscribers/cleo@example.de", key: admin).status == 404)
        // The address cannot come back through an add.
        #expect(
            try call("POST", "/subscribers", key: admin, json: #"{"email":"cleo@example.de","list":"news"}"#).status
                == 409)

        // Export: CSV with the remaining subscribers.
        let export = try call("GET", "/subscribers/export", key: admin)
        #expect(export.status == 200)
        #expect(export.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(export.body.hasPrefix("email,name,status,created_at"))
        #expect(export.body.contains("anna@example.de") && !export.body.contains("cleo@"))

        // Every change names the key.
        #expect(try count("SELECT count(*) FROM events WHERE kind = 'subscribers.exported' AND source = 'api'") == "1")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test("a CSV upload answers line by line and imports the good rows; a 50 MB upload is refused with 413")
    func importByUpload() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de"], status: "active")
        let editor = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let admin = try AdminServeTests.key(fixture, "betrieb", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        let csv = fixture.directory.appendingPathComponent("upload.csv").path
        try Data(
            """
            email;name;stadt
            berta@example.de;Berta;Kiel
            kein-at-zeichen;Niemand;Bonn
            carl@example.de;Carl;Ulm
            berta@example.de;Berta doppelt;Kiel

            """.utf8
        ).write(to: URL(fileURLWithPath: csv))
        func upload(_ file: String, key: String, query: String = "?list=news") throws -> HTTPClient.Answer {
            try client.send(
                "POST", base + "/subscribers/import" + query, headers: ["Authorization": "Bearer \(key)"],
                bodyFile: file, bodyType: "text/csv")
        }

        let refused = try upload(csv, key: editor)
        #expect(refused.status == 403)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "1")

        let answer = try upload(csv, key: admin, query: "?list=news&filename=presse.csv")
        #expect(answer.status == 200, "\(answer.body)")
        let result = try #require(AdminServeTests.json(answer.body))
        #expect(result["imported"] as? Int == 2)
        #expect(result["rejected"] as? Int == 1)
        #expect(result["skipped"] as? Int == 1)
        #expect(result["every_line"] as? Bool == true)
        let lines = try #require(result["lines"] as? [[String: Any]])
        #expect(lines.map { $0["line"] as? Int } == [2, 3, 4, 5])
        #expect(lines.map { $0["outcome"] as? String } == ["imported", "rejected", "imported", "skipped"])
        #expect((lines[1]["reason"] as? String)?.contains("invalid address") == true)
        #expect(lines[3]["reason"] as? String == "duplicate of line 2")
        #expect(lines[3]["address"] as? String == "berta@example.de")
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(s.email || ':' || json_extract(s.attributes, '$.stadt'), ' ') FROM subscribers s JOIN subscriptions m ON m.subscriber_id = s.id WHERE s.email != 'anna@example.de' ORDER BY s.id"
            ) == "berta@example.de:Kiel carl@example.de:Ulm")

        // No email column: line 1 is rejected and nothing changes.
        let bad = fixture.directory.appendingPathComponent("bad.csv").path
        try Data("name\nDora\n".utf8).write(to: URL(fileURLWithPath: bad))
        let noEmail = try upload(bad, key: admin)
        #expect(noEmail.status == 200)
        let noEmailLines = AdminServeTests.json(noEmail.body)?["lines"] as? [[String: Any]]
        #expect(noEmailLines?.count == 1 && noEmailLines?.first?["outcome"] as? String == "rejected")
        #expect((noEmailLines?.first?["reason"] as? String)?.contains("email") == true)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "3")
        #expect(try upload(csv, key: admin, query: "?list=gibtsnicht").status == 404)
        #expect(try upload(csv, key: admin, query: "").status == 400)

        // 50 MB: refused from its length, before the body is read.
        let big = fixture.directory.appendingPathComponent("big.csv").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 50 << 20)
        try handle.close()
        let started = Date()
        let tooLarge = try upload(big, key: admin)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["content-type"] == "application/problem+json")
        #expect((AdminServeTests.json(tooLarge.body)?["detail"] as? String)?.contains("10485760") == true)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try AdminCommandTests.query(fixture, "SELECT count(*) FROM subscribers") == "3")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
