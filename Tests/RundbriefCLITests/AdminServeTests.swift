import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The admin listener of the real daemon, over real HTTP: the console's sign-in and the admin API.
struct AdminServeTests {
    /// An API key made with the CLI.
    static func key(_ fixture: OpsFixture, _ name: String, role: String) throws -> String {
        let created = try fixture.run(["api-keys", "create", name, "--role", role, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String]
        return try #require(object?["key"])
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test("nothing of the console or the API is served on the public listener; both are on the admin listener")
    func onlyOnTheAdminListener() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        let key = try Self.key(fixture, "script", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let publicPort = try #require(await daemon.httpPort())
        let adminPort = try #require(await daemon.adminPort())
        #expect(publicPort != adminPort)
        let client = HTTPClient()
        let bearer = ["Authorization": "Bearer \(key)"]

        for (method, path) in [
            ("GET", "/api/v1/openapi.yaml"), ("GET", "/api/v1/status"), ("GET", "/api/v1/lists"),
            ("POST", "/api/v1/lists"), ("POST", "/sign-in"), ("GET", "/password"), ("POST", "/sign-out"),
        ] {
            let answer = try client.send(method, "http://127.0.0.1:\(publicPort)\(path)", headers: bearer)
            #expect(answer.status == 404, "public \(method) \(path) answered \(answer.status)")
            #expect(!answer.body.contains("openapi") && !answer.body.contains("csrf"))
        }
        // The public root is not the console's sign-in page either.
        #expect(!(try client.send("GET", "http://127.0.0.1:\(publicPort)/").body.contains("name=\"password\"")))

        let document = try client.send("GET", "http://127.0.0.1:\(adminPort)/api/v1/openapi.yaml")
        #expect(document.status == 200)
        #expect(document.body.hasPrefix("openapi: 3.1.0"))
        #expect(try client.send("GET", "http://127.0.0.1:\(adminPort)/api/v1/status", headers: bearer).status == 200)
        #expect(try client.send("GET", "http://127.0.0.1:\(adminPort)/").body.contains("name=\"password\""))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }

    @Test(
        "the API wants a working key (401), refuses editors admin operations (403), answers problems (404, 409, 413, 422)"
    )
    func apiKeysAndRoles() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(
            ["anna@example.de", "ben@example.de", "cleo@example.de", "dora@example.de", "emil@example.de"],
            status: "active")
        let editor = try Self.key(fixture, "redaktion", role: "editor")
        let admin = try Self.key(fixture, "betrieb", role: "admin")
        let revoked = try Self.key(fixture, "alt", role: "admin")
        #expect(try fixture.run(["api-keys", "revoke", "alt"]).status == 0)
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        func call(_ method: String, _ path: String, key: String?, json: String? = nil) throws -> HTTPClient.Answer {
            try client.send(
                method, base + path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], json: json)
        }

        // Without a working key: 401 with a problem document, whatever the key looks like.
        for given in [nil, "rbk_forged", revoked, editor + "x"] as [String?] {
            let answer = try call("GET", "/status", key: given)
            #expect(answer.status == 401)
            #expect(answer.headers["content-type"] == "application/problem+json")
            #expect(answer.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(Self.json(answer.body)?["status"] as? Int == 401)
        }

        let status = try call("GET", "/status", key: editor)
        #expect(status.status == 200)
        let counts = Self.json(status.body)?["subscribers_by_status"] as? [String: Int]
        #expect(counts?["active"] == 5)

        // An editor may read lists but not create one; nothing is created.
        let refused = try call("POST", "/lists", key: editor, json: #"{"slug":"presse","name":"Presse"}"#)
        #expect(refused.status == 403)
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(Self.json(refused.body)?["detail"] as? String == "only admins may create lists")
        let created = try call("POST", "/lists", key: admin, json: #"{"slug":"presse","name":"Presse"}"#)
        #expect(created.status == 201, "\(created.body)")
        #expect(Self.json(created.body)?["slug"] as? String == "presse")
        let twice = try call("POST", "/lists", key: admin, json: #"{"slug":"presse","name":"Presse"}"#)
        #expect(twice.status == 409)
        #expect(Self.json(twice.body)?["detail"] as? String == "list 'presse' exists already")
        #expect(try call("POST", "/lists", key: admin, json: #"{"slug":"Bad Slug","name":"x"}"#).status == 422)
        #expect(try call("POST", "/lists", key: admin, json: #"{"slug":"#).status == 400)
        #expect(try call("POST", "/lists", key: admin, json: #"{"name":"no slug"}"#).status == 400)
        let lists = try call("GET", "/lists", key: editor)
        let slugs = (Self.json(lists.body)?["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String }
        #expect(slugs == ["news", "presse"])

        // A body over the limit is refused before it is read to the end.
        let big = fixture.directory.appendingPathComponent("big.json").path
        try Data(repeating: UInt8(ascii: " "), count: 2 << 20).write(to: URL(fileURLWithPath: big))
        let tooLarge = try client.send(
            "POST", base + "/lists", headers: ["Authorization": "Bearer \(admin)"], bodyFile: big)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.headers["content-type"] == "application/problem+json")

        let missing = try call("GET", "/sends/999", key: editor)
        #expect(missing.status == 404)
        #expect((Self.json(missing.body)?["detail"] as? String)?.contains("999") == true)
        #expect(try call("POST", "/sends/999/pause", key: editor).status == 404)
        #expect(try call("GET", "/sends/abc", key: editor).status == 400)
        #expect(try call("GET", "/sends", key: editor).body.contains("\"items\""))

        // Subscribers, a page at a time, every one exactly once.
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try call("GET", "/subscribers?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), key: editor)
            #expect(page.status == 200)
            let object = try #require(Self.json(page.body))
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.count <= 2)
            seen += items.compactMap { $0["email"] as? String }
            cursor = object["next_cursor"] as? String
        } while cursor != nil && seen.count < 10
        #expect(seen == ["anna@example.de", "ben@example.de", "cleo@example.de", "dora@example.de", "emil@example.de"])
        let found = try call("GET", "/subscribers?q=CLEO", key: editor)
        #expect((Self.json(found.body)?["items"] as? [[String: Any]])?.count == 1)
        #expect(try call("GET", "/subscribers?limit=0", key: editor).status == 422)
        #expect(try call("GET", "/subscribers?cursor=xyz", key: editor).status == 422)

        // Every change is an audit event naming the key.
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT source || ':' || json_extract(detail, '$.actor') FROM events WHERE kind = 'list.created' AND json_extract(detail, '$.list') = 'presse'"
            )
                == "api:betrieb")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
