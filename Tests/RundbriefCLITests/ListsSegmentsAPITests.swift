import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Lists and segments through the admin API of the real daemon, over real HTTP: one list and its
/// change (admins only), segments created, shown with their live count, changed and removed (editors
/// too), the count of a filter without saving, and the refusals (401, 403, 404, 409, 413, 422) that
/// change nothing.
struct ListsSegmentsAPITests {
    /// The list `nrw` with three active members in Kreis Unna (one of them press) and one in Soest.
    static func prepare(_ fixture: OpsFixture) throws {
        #expect(try fixture.run(["lists", "create", "nrw", "--name", "NRW"]).status == 0)
        for (address, kreis, rolle) in [
            ("jana@unna.example", "Unna", "Verwaltung"), ("bernd@kamen.example", "Unna", "Wirtschaft"),
            ("presse@unna.example", "Unna", "Presse"), ("kemal@soest.example", "Soest", "Verwaltung"),
        ] {
            let added = try fixture.run([
                "subscribers", "add", address, "--list", "nrw", "--attribute", "kreis=\(kreis)",
                "--attribute", "rolle=\(rolle)",
            ])
            #expect(added.status == 0, "\(added.stderr)")
        }
    }

    @Test(
        "lists: show one, change it (admins only); segments: create, show, count, change, remove; bad input changes nothing"
    )
    func listsAndSegments() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try Self.prepare(fixture)
        let editor = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let admin = try AdminServeTests.key(fixture, "betrieb", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        func call(_ method: String, _ path: String, key: String?, json: String? = nil) throws -> HTTPClient.Answer {
            try client.send(
                method, base + path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], json: json)
        }
        func object(_ answer: HTTPClient.Answer) -> [String: Any] { AdminServeTests.json(answer.body) ?? [:] }

        // One list, with its counts and visibility.
        let shown = try call("GET", "/lists/nrw", key: editor)
        #expect(shown.status == 200, "\(shown.body)")
        #expect(object(shown)["active"] as? Int == 4)
        #expect(object(shown)["public"] as? Bool == true)
        #expect(try call("GET", "/lists/nirgends", key: editor).status == 404)

        // An editor may not change a list; an admin may, and absent fields stay.
        let refused = try call("PATCH", "/lists/nrw", key: editor, json: #"{"public":false}"#)
        #expect(refused.status == 403)
        #expect(object(refused)["detail"] as? String == "only admins may change lists")
        #expect(object(try call("GET", "/lists/nrw", key: admin))["public"] as? Bool == true)
        let changed = try call("PATCH", "/lists/nrw", key: admin, json: #"{"public":false,"description":"Kommunen"}"#)
        #expect(changed.status == 200, "\(changed.body)")
        #expect(object(changed)["public"] as? Bool == false)
        #expect(object(changed)["name"] as? String == "NRW")
        #expect(object(changed)["description"] as? String == "Kommunen")
        let nothing = try call("PATCH", "/lists/nrw", key: admin, json: #"{"public":null}"#)
        #expect(nothing.status == 200)
        #expect(object(nothing)["public"] as? Bool == false)
        #expect(try call("PATCH", "/lists/nrw", key: admin, json: #"{"owner":"x"}"#).status == 400)
        #expect(try call("PATCH", "/lists/nrw", key: admin, json: #"{"name":"   "}"#).status == 422)
        #expect(try call("PATCH", "/lists/nirgends", key: admin, json: #"{"public":true}"#).status == 404)

        // The live count of a filter, without saving; a syntax error names its column (422).
        let counted = try call(
            "POST", "/segments/count", key: editor, json: #"{"list":"nrw","where":"kreis = \"Unna\""}"#)
        #expect(counted.status == 200, "\(counted.body)")
        #expect(object(counted)["count"] as? Int == 3)
        let narrower = try call(
            "POST", "/segments/count", key: editor,
            json: #"{"list":"nrw","where":"kreis = \"Unna\" and rolle != \"Presse\""}"#)
        #expect(object(narrower)["count"] as? Int == 2)
        let typo = try call(
            "POST", "/segments/count", key: editor, json: #"{"list":"nrw","where":"kreiss = \"Unna\""}"#)
        #expect(object(typo)["count"] as? Int == 0)
        #expect(
            (object(typo)["warnings"] as? [String])
                == ["no member of nrw has the attribute kreiss (a typo, or missing on everyone?)"])
        let broken = try call("POST", "/segments/count", key: editor, json: #"{"list":"nrw","where":"kreis = Unna"}"#)
        #expect(broken.status == 422)
        #expect(broken.headers["content-type"] == "application/problem+json")
        #expect((object(broken)["detail"] as? String)?.hasPrefix("invalid filter at column 9: ") == true)
        #expect(
            try call("POST", "/segments/count", key: editor, json: #"{"list":"nirgends","where":"has kreis"}"#).status
                == 404)

        // Segments: an editor creates one and gets its count now.
        let created = try call(
            "POST", "/segments", key: editor,
            json: #"{"slug":"unna","list":"nrw","where":"kreis = \"Unna\"","name":"Kreis Unna"}"#)
        #expect(created.status == 201, "\(created.body)")
        #expect(object(created)["count"] as? Int == 3)
        #expect(object(created)["where"] as? String == #"kreis = "Unna""#)
        let twice = try call(
            "POST", "/segments", key: editor, json: #"{"slug":"unna","list":"nrw","where":"has kreis"}"#)
        #expect(twice.status == 409)
        #expect(object(twice)["detail"] as? String == "segment 'unna' exists already")
        let bad = try call("POST", "/segments", key: editor, json: #"{"slug":"kaputt","list":"nrw","where":"kreis ="}"#)
        #expect(bad.status == 422)
        #expect(try call("POST", "/segments", key: editor, json: #"{"slug":"x","list":"nrw"}"#).status == 400)
        #expect(try call("GET", "/segments/kaputt", key: editor).status == 404)

        let listed = try call("GET", "/segments?list=nrw", key: editor)
        #expect((object(listed)["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["unna"])
        #expect(try call("GET", "/segments?list=nirgends", key: editor).status == 404)

        // Shown with its count now: a new member in Unna is counted at once.
        #expect(
            try fixture.run(["subscribers", "add", "ida@boenen.example", "--list", "nrw", "--attribute", "kreis=Unna"])
                .status == 0)
        let segment = try call("GET", "/segments/unna", key: editor)
        #expect(segment.status == 200)
        #expect(object(segment)["count"] as? Int == 4)
        #expect(object(segment)["list"] as? String == "nrw")

        // Changed: a refused filter changes nothing.
        let refusedChange = try call("PATCH", "/segments/unna", key: editor, json: #"{"where":"rolle = "}"#)
        #expect(refusedChange.status == 422)
        #expect(object(try call("GET", "/segments/unna", key: editor))["where"] as? String == #"kreis = "Unna""#)
        let narrowed = try call(
            "PATCH", "/segments/unna", key: editor, json: #"{"where":"kreis = \"Unna\" and rolle != \"Presse\""}"#)
        #expect(narrowed.status == 200, "\(narrowed.body)")
        #expect(object(narrowed)["count"] as? Int == 3)
        #expect(object(narrowed)["name"] as? String == "Kreis Unna")
        #expect(try call("PATCH", "/segments/nirgends", key: editor, json: #"{"name":"x"}"#).status == 404)
        #expect(object(try call("PATCH", "/segments/unna", key: editor, json: #"{}"#))["count"] as? Int == 3)

        // Without a working key nothing is shown or changed.
        #expect(try call("GET", "/segments/unna", key: nil).status == 401)
        #expect(try call("DELETE", "/segments/unna", key: "rbk_forged").status == 401)

        // A body over the limit is refused before it is read (413).
        let big = fixture.directory.appendingPathComponent("big.json").path
        try Data(repeating: UInt8(ascii: " "), count: 2 << 20).write(to: URL(fileURLWithPath: big))
        let tooLarge = try client.send(
            "POST", base + "/segments/count", headers: ["Authorization": "Bearer \(editor)"], bodyFile: big)
        #expect(tooLarge.status == 413)

        // Removed (204), then gone.
        #expect(try call("DELETE", "/segments/unna", key: editor).status == 204)
        #expect(try call("GET", "/segments/unna", key: editor).status == 404)
        #expect(try call("DELETE", "/segments/unna", key: editor).status == 404)

        // Each change is an audit event naming the key.
        #expect(
            try AdminCommandTests.query(
                fixture,
                "SELECT group_concat(kind || ':' || source || ':' || json_extract(detail, '$.actor')) FROM (SELECT * FROM events WHERE kind LIKE 'segment.%' OR kind = 'list.updated' ORDER BY id)"
            )
                == "list.updated:api:betrieb,segment.created:api:redaktion,segment.updated:api:redaktion,"
                + "segment.removed:api:redaktion")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
