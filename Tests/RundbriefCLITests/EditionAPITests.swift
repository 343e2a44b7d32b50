import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The editions of the admin API against the real daemon over real HTTP, with an editor's key: create,
/// read, update with the revision it saw (a stale one is refused), preview, test-send into
/// `smtp_server.py`, remove; bad input is refused and changes nothing.
struct EditionAPITests {
    static let source = """
        ---
        subject: "Fruehjahr 2026"
        list: interkommunales-nrw
        slug: fruehjahr-2026
        ---
        Hallo {{name}}, das ist die **Fruehjahrsausgabe**.
        """

    static func body(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("an editor creates, reads, updates (a stale revision is refused), previews, test-sends and removes")
    func editionsEndToEnd() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let fixture = try SendGuardTests.fixture(subscribers: ["jana@stadt-unna.example"], smtpPort: server.port)
        defer { fixture.remove() }
        let editor = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        func call(_ method: String, _ path: String, json: String? = nil) throws -> HTTPClient.Answer {
            try client.send(method, base + path, headers: ["Authorization": "Bearer \(editor)"], json: json)
        }
        func detail(_ answer: HTTPClient.Answer) -> String {
            AdminServeTests.json(answer.body)?["detail"] as? String ?? ""
        }

        let created = try call("POST", "/editions", json: try Self.body(["source": Self.source]))
        #expect(created.status == 201, "\(created.body)")
        let edition = try #require(AdminServeTests.json(created.body))
        #expect(edition["slug"] as? String == "fruehjahr-2026")
        #expect(edition["revision"] as? Int == 1)
        #expect(edition["updated_by"] as? String == "redaktion")

        // Created twice, broken, or without a slug: refused, nothing stored.
        let twice = try call("POST", "/editions", json: try Self.body(["source": Self.source]))
        #expect(twice.status == 409)
        #expect(detail(twice).contains("exists already"))
        let typo = Self.source.replacingOccurrences(of: "slug: fruehjahr-2026", with: "slug: other\npreheder: x")
        let unknownKey = try call("POST", "/editions", json: try Self.body(["source": typo]))
        #expect(unknownKey.status == 422)
        #expect(unknownKey.headers["content-type"] == "application/problem+json")
        #expect(detail(unknownKey).contains("did you mean 'preheader'"))
        let noSlug = Self.source.replacingOccurrences(of: "slug: fruehjahr-2026\n", with: "")
        #expect(try call("POST", "/editions", json: try Self.body(["source": noSlug])).status == 422)
        #expect(try call("POST", "/editions", json: #"{"source": 5}"#).status == 400)
        #expect(try call("GET", "/editions/other").status == 404)

        // The list, a page at a time, newest first.
        let first = try #require(AdminServeTests.json(try call("GET", "/editions?limit=1").body))
        #expect((first["items"] as? [[String: Any]])?.map { $0["slug"] as? String } == ["fruehjahr-2026"])
        let cursor = try #require(first["next_cursor"] as? String)
        let second = try #require(AdminServeTests.json(try call("GET", "/editions?limit=1&cursor=\(cursor)").body))
        #expect(
            (second["items"] as? [[String: Any]])?.map { $0["slug"] as? String }
                == ["interkommunales-nrw-newsletter-III-2025"])
        #expect(second["next_cursor"] == nil)

        // Update with the revision read; the same revision a second time is stale.
        let shown = try #require(AdminServeTests.json(try call("GET", "/editions/fruehjahr-2026").body))
        #expect(shown["source"] as? String == Self.source)
        let changed = Self.source.replacingOccurrences(of: "Fruehjahrsausgabe", with: "neue Fruehjahrsausgabe")
        let updated = try call(
            "PUT", "/editions/fruehjahr-2026", json: try Self.body(["source": changed, "revision": 1]))
        #expect(updated.status == 200, "\(updated.body)")
        #expect(AdminServeTests.json(updated.body)?["revision"] as? Int == 2)
        let stale = try call(
            "PUT", "/editions/fruehjahr-2026", json: try Self.body(["source": Self.source, "revision": 1]))
        #expect(stale.status == 409)
        #expect(detail(stale).hasPrefix("this edition was changed by redaktion at "))
        #expect(detail(stale).hasSuffix("after you opened it; reload it and apply your changes again"))
        let renamed = changed.replacingOccurrences(of: "slug: fruehjahr-2026", with: "slug: herbst")
        #expect(
            try call("PUT", "/editions/fruehjahr-2026", json: try Self.body(["source": renamed, "revision": 2])).status
                == 422)
        #expect(
            (AdminServeTests.json(try call("GET", "/editions/fruehjahr-2026").body)?["source"] as? String) == changed)

        // Preview: HTML and text, for a sample subscriber or a real one.
        let html = try call("GET", "/editions/fruehjahr-2026/preview")
        #expect(html.status == 200)
        #expect(html.headers["content-type"]?.hasPrefix("text/html") == true)
        // Editor-written HTML on the console's origin: no script, a sandbox, never sniffed or framed.
        let policy = html.headers["content-security-policy"] ?? ""
        #expect(policy.hasPrefix("default-src 'none';") && policy.hasSuffix("; sandbox"), "\(policy)")
        #expect(!policy.contains("script-src") && policy.contains("frame-ancestors 'none'"))
        #expect(html.headers["x-content-type-options"] == "nosniff")
        #expect(html.body.contains("Hallo Erika Mustermann"))
        #expect(html.body.contains(">neue Fruehjahrsausgabe</strong>"))
        let text = try call("GET", "/editions/fruehjahr-2026/preview?format=text")
        #expect(text.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(text.body.contains("neue Fruehjahrsausgabe") && !text.body.contains("<strong>"))
        #expect(try call("GET", "/editions/fruehjahr-2026/preview?subscriber=jana@stadt-unna.example").status == 200)
        #expect(try call("GET", "/editions/fruehjahr-2026/preview?subscriber=nobody@example.org").status == 404)
        #expect(try call("GET", "/editions/fruehjahr-2026/preview?subscriber=not-an-address").status == 422)

        // Test-send: each address gets one marked copy; eleven are refused before anything is sent.
        let sent = try call(
            "POST", "/editions/fruehjahr-2026/test-send",
            json: try Self.body(["to": ["pressestelle@kreis.example", "jana@stadt-unna.example"]]))
        #expect(sent.status == 200, "\(sent.body)")
        let results = try #require(AdminServeTests.json(sent.body)?["items"] as? [[String: Any]])
        #expect(results.map { $0["delivered"] as? Bool } == [true, true])
        #expect(try server.recipients() == ["pressestelle@kreis.example", "jana@stadt-unna.example"])
        let message = String(decoding: try server.message(1), as: UTF8.self)
        #expect(message.contains("Subject: [TEST] Fruehjahr 2026"))
        let eleven = (1...11).map { "person\($0)@example.org" }
        let tooMany = try call("POST", "/editions/fruehjahr-2026/test-send", json: try Self.body(["to": eleven]))
        #expect(tooMany.status == 422)
        #expect(detail(tooMany) == "a test goes to at most 10 addresses (11 given)")
        #expect(
            try call("POST", "/editions/fruehjahr-2026/test-send", json: try Self.body(["to": ["x@"]])).status == 422)
        #expect(try server.messageCount() == 2)

        // Remove: gone from the API, its audit event names the key.
        #expect(try call("DELETE", "/editions/fruehjahr-2026").status == 204)
        #expect(try call("GET", "/editions/fruehjahr-2026").status == 404)
        #expect(try call("DELETE", "/editions/fruehjahr-2026").status == 404)
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(kind || ':' || source || ':' || json_extract(detail, '$.actor'), ' ') FROM events WHERE kind LIKE 'edition.%' AND json_extract(detail, '$.edition') = 'fruehjahr-2026'"
            )
                == "edition.added:api:redaktion edition.updated:api:redaktion edition.test-sent:api:redaktion edition.removed:api:redaktion"
        )
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
