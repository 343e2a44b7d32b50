import Foundation
import RundbriefTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Sends through the admin API of the real daemon, over real HTTP, into the aiosmtpd test server:
/// scheduled to a segment, the send finishes and its report counts what the server received.
@Suite struct SendsAPITests {
    static let edition = "interkommunales-nrw-newsletter-III-2025"
    static let list = "interkommunales-nrw"
    static let unna = ["anna@unna.example", "ben@unna.example", "cleo@unna.example", "dora@unna.example"]
    static let hamm = ["emil@hamm.example", "frida@hamm.example"]

    /// A fixture whose daemon delivers into `server`, with the list, six active members (four in
    /// Unna), the segments `unna` and `hamm` and the sample edition.
    /// - Parameter rate: messages per second (0: unlimited).
    static func mailFixture(_ server: SMTPTestServer, unna: [String] = unna, rate: Int = 0) throws -> OpsFixture {
        let fixture = try OpsFixture()
        var config = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
            .replacingOccurrences(of: "[delivery]\n", with: "[delivery]\nrate = \(rate)\n")
        config +=
            "\n[smtp]\nurl = \"smtp://127.0.0.1:\(server.port)\"\nstarttls = \"off\"\n"
            + "[sender]\naddress = \"newsletter@example.org\"\nname = \"Geschäftsstelle IKZ\"\n"
            + "imprint_url = \"https://www.example.org/impressum\"\n"
        try config.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        #expect(try fixture.run(["lists", "create", list, "--name", "Interkommunales.NRW"]).status == 0)
        for (addresses, town) in [(unna, "Unna"), (hamm, "Hamm")] {
            for address in addresses {
                let added = try fixture.run([
                    "subscribers", "add", address, "--list", list, "--attribute", "kommune=\(town)",
                ])
                #expect(added.status == 0, "\(added.stderr)")
            }
        }
        let segment = try fixture.run(["segments", "create", "unna", "--list", list, "--where", #"kommune = "Unna""#])
        #expect(segment.status == 0, "\(segment.stderr)")
        let other = try fixture.run(["segments", "create", "hamm", "--list", list, "--where", #"kommune = "Hamm""#])
        #expect(other.status == 0, "\(other.stderr)")
        let added = try fixture.run(["edition", "add", EditionCommandTests.sample])
        #expect(added.status == 0, "\(added.stderr)")
        return fixture
    }

    @Test(
        "an editor schedules to a segment (dry run first); the send finishes; the report's sent equals what the SMTP server received; a second schedule is 409",
        .timeLimit(.minutes(5))
    )
    func scheduleToSegmentThroughTheAPI() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let fixture = try Self.mailFixture(server)
        defer { fixture.remove() }
        let editor = try AdminServeTests.key(fixture, "redaktion", role: "editor")
        let admin = try AdminServeTests.key(fixture, "betrieb", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let base = "http://127.0.0.1:\(try #require(await daemon.adminPort()))/api/v1"
        let client = HTTPClient()
        func call(_ method: String, _ path: String, key: String = editor, json: String? = nil) throws
            -> HTTPClient.Answer
        {
            try client.send(method, base + path, headers: ["Authorization": "Bearer \(key)"], json: json)
        }
        let body = #"{"edition":"\#(Self.edition)","list":"\#(Self.list)","segment":"unna","at":"now""#

        // The dry run answers the audience size and schedules nothing.
        let dry = try call("POST", "/sends", json: body + #","dry_run":true}"#)
        #expect(dry.status == 200, "\(dry.body)")
        #expect(AdminServeTests.json(dry.body)?["count"] as? Int == 4)
        #expect(AdminServeTests.json(dry.body)?["segment"] as? String == "unna")
        #expect((AdminServeTests.json(try call("GET", "/sends").body)?["items"] as? [Any])?.isEmpty == true)

        // Bad requests change nothing: both audiences, a time in the past, an unknown segment, bad JSON.
        let both = try call(
            "POST", "/sends", json: body + #","where":"kommune = \"Hamm\""}"#)
        #expect(both.status == 422)
        #expect(AdminServeTests.json(both.body)?["detail"] as? String == "give either --segment or --where, not both")
        let past = try call(
            "POST", "/sends", json: body.replacingOccurrences(of: "now", with: "2020-01-01 10:00") + "}")
        #expect(past.status == 422)
        #expect(
            (AdminServeTests.json(past.body)?["detail"] as? String)?.hasPrefix("2020-01-01 10:00 is in the past")
                == true)
        #expect(
            try call("POST", "/sends", json: body.replacingOccurrences(of: "unna", with: "nirgends") + "}").status
                == 404)
        #expect(try call("POST", "/sends", json: #"{"edition":"#).status == 400)
        #expect(try call("POST", "/sends", json: #"{"edition":"x","list":"y"}"#).status == 400)
        #expect((AdminServeTests.json(try call("GET", "/sends").body)?["items"] as? [Any])?.isEmpty == true)

        // An editor may schedule.
        let scheduled = try call("POST", "/sends", json: body + "}")
        #expect(scheduled.status == 201, "\(scheduled.body)")
        let id = try #require(AdminServeTests.json(scheduled.body)?["id"] as? Int)

        // It finishes; the live counts say so.
        var final: [String: Any] = [:]
        #expect(
            await eventually(timeout: .seconds(60)) {
                final = AdminServeTests.json((try? call("GET", "/sends/\(id)").body) ?? "") ?? [:]
                return final["status"] as? String == "done"
            }, "\(final)")
        #expect(final["sent"] as? Int == 4 && final["total"] as? Int == 4)

        // The report: the same fields as `send report --json`, and sent equals what the server received.
        let report = try call("GET", "/sends/\(id)/report")
        #expect(report.status == 200)
        let fields = try #require(AdminServeTests.json(report.body))
        #expect(fields["sent"] as? Int == (try server.messageCount()))
        #expect(fields["sent"] as? Int == 4)
        #expect(Set(try server.recipients()) == Set(Self.unna))
        let cli = try #require(AdminServeTests.json(try fixture.run(["send", "report", "\(id)", "--json"]).stdout))
        #expect(Set(fields.keys) == Set(cli.keys))
        for key in ["id", "status", "edition", "list", "total", "sent", "deferred", "failed", "skipped"] {
            #expect("\(fields[key] ?? "-")" == "\(cli[key] ?? "+")", "\(key)")
        }
        #expect((fields["rates"] as? [String: Double]) == (cli["rates"] as? [String: Double]))

        // A second schedule of the same edition to the same audience is refused with the CLI's message.
        let twice = try call("POST", "/sends", json: body + "}")
        #expect(twice.status == 409)
        #expect(twice.headers["content-type"] == "application/problem+json")
        let detail = AdminServeTests.json(twice.body)?["detail"] as? String ?? ""
        #expect(detail.hasPrefix("edition \(Self.edition) already has send \(id) to list \(Self.list) (sent "))
        #expect(detail.hasSuffix("add --again to send it again"))
        #expect((AdminServeTests.json(try call("GET", "/sends").body)?["items"] as? [Any])?.count == 1)
        let dryAgain = try call("POST", "/sends", json: body + #","dry_run":true}"#)
        #expect(dryAgain.status == 200)
        #expect(AdminServeTests.json(dryAgain.body)?["already_sent"] as? String == detail)

        // Deliveries a page at a time, masked; unmasked only for admins.
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try call("GET", "/sends/\(id)/deliveries?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(page.status == 200, "\(page.body)")
            let object = try #require(AdminServeTests.json(page.body))
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.count <= 3)
            seen += items.compactMap { $0["email"] as? String }
            #expect(items.allSatisfy { $0["status"] as? String == "sent" })
            cursor = object["next_cursor"] as? String
        } while cursor != nil && seen.count < 10
        #expect(seen.sorted() == ["a***@unna.example", "b***@unna.example", "c***@unna.example", "d***@unna.example"])
        let unmaskedByEditor = try call("GET", "/sends/\(id)/deliveries?unmasked=true")
        #expect(unmaskedByEditor.status == 403)
        #expect(
            AdminServeTests.json(unmaskedByEditor.body)?["detail"] as? String
                == "only admins may see recipients' addresses unmasked")
        let unmasked = try call("GET", "/sends/\(id)/deliveries?unmasked=true", key: admin)
        let addresses = (AdminServeTests.json(unmasked.body)?["items"] as? [[String: Any]])?.compactMap {
            $0["email"] as? String
        }
        #expect(addresses.map(Set.init) == Set(Self.unna))
        #expect(
            (AdminServeTests.json(try call("GET", "/sends/\(id)/deliveries?status=failed").body)?["items"] as? [Any])?
                .isEmpty == true)
        #expect(try call("GET", "/sends/\(id)/deliveries?cursor=abc").status == 422)
        #expect(try call("GET", "/sends/999/deliveries").status == 404)
        #expect(try call("GET", "/sends/999/report").status == 404)

        // A finished send cannot be moved.
        let moved = try call("POST", "/sends/\(id)/reschedule", json: #"{"at":"2030-01-02 10:00"}"#)
        #expect(moved.status == 409, "\(moved.body)")

        // A later send, to the Hamm members by filter: rescheduled, then moved into the past (refused).
        let later = try call(
            "POST", "/sends",
            json:
                #"{"edition":"\#(Self.edition)","list":"\#(Self.list)","where":"kommune = \"Hamm\"","at":"2030-01-02 10:00"}"#
        )
        #expect(later.status == 201, "\(later.body)")
        let laterID = try #require(AdminServeTests.json(later.body)?["id"] as? Int)
        let rescheduled = try call("POST", "/sends/\(laterID)/reschedule", json: #"{"at":"2031-03-04 09:30"}"#)
        #expect(rescheduled.status == 200, "\(rescheduled.body)")
        let at = AdminServeTests.json(rescheduled.body)?["scheduled_at"] as? String
        #expect(at?.hasPrefix("2031-03-04T") == true, "\(at ?? "-")")
        #expect(
            try call("POST", "/sends/\(laterID)/reschedule", json: #"{"at":"2020-01-01 10:00"}"#).status == 422)
        #expect(try call("POST", "/sends/\(laterID)/reschedule", json: #"{"at":"bald"}"#).status == 422)
        #expect(
            AdminServeTests.json(try call("GET", "/sends/\(laterID)").body)?["scheduled_at"] as? String == at)

        // Every change is an audit event naming the key.
        let audit = try AdminCommandTests.query(
            fixture,
            "SELECT group_concat(line, ',') FROM (SELECT kind || ':' || source || ':' || json_extract(detail, '$.actor') AS line FROM events WHERE kind IN ('send.scheduled', 'send.rescheduled') ORDER BY id)"
        )
        #expect(
            audit == "send.scheduled:api:redaktion,send.scheduled:api:redaktion,send.rescheduled:api:redaktion",
            "\(audit)")
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
