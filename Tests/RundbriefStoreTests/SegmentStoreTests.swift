import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

/// Segment filters run as SQL on a real SQLite file, checked against a reference evaluator in Swift.
@Suite struct SegmentStoreTests {
    let temporary: TemporaryDatabase
    var database: AppDatabase { temporary.database }
    let listID: Int64
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// A member as the reference evaluator sees it.
    struct Member {
        var email: String
        var name: String
        var attributes: [String: String]
        var joined: Date
    }

    static let members: [Member] = [
        Member(
            email: "jana@stadt-unna.example", name: "Jana Schröder",
            attributes: ["kommune": "Unna", "kreis": "Unna", "rolle": "Bürgermeisterin", "telefon": "02303 1"],
            joined: date("2024-06-01 08:00")),
        Member(
            email: "kemal@kreis-soest.example", name: "Kemal Özdemir",
            attributes: ["kommune": "SOEST", "kreis": "Soest", "rolle": "Presse"], joined: date("2024-12-31 22:59")),
        Member(
            email: "uwe@ünna.example", name: "", attributes: ["kommune": "ÜNNA", "kreis": "Unna"],
            joined: date("2024-12-31 23:00")),
        Member(
            email: "Ida@Bönen.example", name: "Ida", attributes: ["kommune": "Bönen", "telefon": ""],
            joined: date("2025-01-01 23:30")),
        Member(
            email: "x@quote.example", name: "O'Hara",
            attributes: ["kommune": "' OR 1=1 --", "e-mail 2": "x@y", "in": "ja"], joined: date("2025-06-01 00:00")),
        Member(email: "leer@example.de", name: "Leer", attributes: [:], joined: date("2025-02-01 12:00")),
    ]

    /// `YYYY-MM-DD HH:MM` in UTC.
    static func date(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    init() throws {
        temporary = try TemporaryDatabase()
        let database = temporary.database
        listID = try database.createList(slug: "nrw", name: "NRW").id!
        try database.createList(slug: "other", name: "Other")
        for member in Self.members {
            let subscriber = try database.addSubscriber(
                try EmailAddress(member.email), name: member.name, list: "nrw", attributes: member.attributes,
                consent: Consent(method: "cli"))
            try database.write { db in
                try db.execute(
                    sql: "UPDATE subscriptions SET created_at = ? WHERE subscriber_id = ?",
                    arguments: [member.joined, subscriber.id])
            }
        }
        // Not members of nrw in a way that counts: an unsubscribed membership, an inactive subscriber,
        // and an active member of another list; each matches kommune = "Unna".
        try database.addSubscriber(
            try EmailAddress("weg@unna.example"), list: "nrw", attributes: ["kommune": "Unna"],
            consent: Consent(method: "cli"))
        try database.removeSubscriber(try EmailAddress("weg@unna.example"), list: "nrw")
        try database.addSubscriber(
            try EmailAddress("pending@unna.example"), list: "nrw", status: .pending, attributes: ["kommune": "Unna"],
            consent: Consent(method: "cli"))
        try database.addSubscriber(
            try EmailAddress("andere@unna.example"), list: "other", attributes: ["kommune": "Unna"],
            consent: Consent(method: "cli"))
    }

    func count(_ source: String) throws -> Int {
        try database.countAudience(listID: listID, filter: try SegmentParser.parse(source), timeZone: berlin)
    }

    func expected(_ source: String) throws -> Int {
        let expression = try SegmentParser.parse(source)
        return Self.members.filter { Self.evaluate(expression, $0, zone: berlin) }.count
    }

    @Test func addressesAndDomainsWithUmlautsMatchTheirStoredForm() throws {
        #expect(try count(#"email = "ida@bönen.example""#) == 1)
        #expect(try count(#"domain in ("BÖNEN.example", "ünna.example")"#) == 2)
    }

    @Test func countsOnlyActiveMembersOfTheList() throws {
        #expect(try count(#"kommune = "Unna""#) == 1, "Jana, not the three non-members (nor ÜNNA: Ü is not U)")
        #expect(try count(#"kommune = "ünna""#) == 1, "ÜNNA, case folded beyond ASCII")
        #expect(try database.countAudience(listID: listID, filter: nil, timeZone: berlin) == Self.members.count)
    }

    @Test(
        arguments: [
            #"kommune = "unna""#, #"kommune = "ünna""#, #"kreis in ("UNNA", "soest")"#, #"rolle != "Presse""#,
            "has telefon", "not has telefon", #"subscribed_before "2025-01-01""#, #"subscribed_after "2024-12-31""#,
            #"subscribed_before "2025-01-01 00:00""#, #"subscribed_after "2025-01-02 00:29""#,
            #"name = """#, "has name", #"domain = "STADT-UNNA.example""#, #"domain = "xn--nna-goa.example""#,
            #"email = "ida@bönen.example""#, #"email in ("JANA@stadt-unna.example")"#, #"domain = "Bönen.example""#,
            #"kommune = "' OR 1=1 --""#, #"attribute "e-mail 2" = "X@Y""#, #"attribute "in" = "ja""#,
            #"(kommune = "Unna" or kreis = "Soest") and not rolle = "Presse""#, #"nope = "x""#, #"nope != "x""#,
            #"kreis not in ("Unna")"#, #"has kommune and subscribed_after "2025-01-01""#,
        ])
    func sqlAgreesWithTheReference(source: String) throws {
        #expect(try count(source) == (try expected(source)), "\(source)")
    }

    /// Random filters: the SQL selects exactly the members the reference selects, and `not e`
    /// selects exactly the others (no NULL surprises from missing attributes).
    @Test func randomFiltersAgreeWithTheReferenceAndNegationPartitions() throws {
        var random = SplitMix64(seed: 20_251_201)
        let total = Self.members.count
        for _ in 0..<400 {
            let expression = RandomSegment.expression(depth: 3, &random)
            let sql = try database.countAudience(listID: listID, filter: expression, timeZone: berlin)
            let reference = Self.members.filter { Self.evaluate(expression, $0, zone: berlin) }.count
            #expect(sql == reference, "\(expression)")
            let negated = try database.countAudience(listID: listID, filter: .not(expression), timeZone: berlin)
            #expect(sql + negated == total, "\(expression)")
        }
    }

    @Test func valuesAndAttributeNamesAreBoundNeverPasted() throws {
        let query = SegmentQuery(
            try SegmentParser.parse(#"attribute "x') OR 1=1 --" = "'; DROP TABLE subscribers; --""#), timeZone: .gmt)
        #expect(!query.sql.contains("DROP") && !query.sql.contains("OR 1=1"))
        #expect(query.sql == "rundbrief_fold(json_extract(s.attributes, ?)) = ?")
        #expect(try count(#"kommune = "'; DROP TABLE subscribers; --""#) == 0)
        #expect(try database.countAudience(listID: listID, filter: nil, timeZone: berlin) == Self.members.count)
    }

    @Test func attributesInUseLooksAtTheListsMembers() throws {
        let used = try database.attributesInUse(listID: listID, names: ["kommune", "telefon", "kommun", "fax"])
        #expect(used == ["kommune", "telefon"])
    }

    @Test func aFilteredSendFreezesOnlyMatchingActiveMembersAndRecordsItsFilter() async throws {
        try saveEdition()
        let segment = try database.createSegment(
            slug: "unna", list: "nrw", name: "Kreis Unna", expression: #"kreis = "Unna""#, now: Date())
        let send = try database.scheduleSend(
            edition: "ausgabe", list: "nrw", at: Date(), now: Date(),
            audience: AudienceFilter(segmentID: segment.segment.id, expression: segment.segment.expression))
        // Jana unsubscribes after the segment was made and the send scheduled, before it starts.
        try database.removeSubscriber(try EmailAddress("jana@stadt-unna.example"), list: "nrw")
        _ = try await database.startSend(id: send.id!, now: Date(), timeZone: berlin)
        let recipients = try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT s.email FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
                    WHERE d.send_id = ? ORDER BY s.email
                    """, arguments: [send.id])
        }
        #expect(recipients == [try EmailAddress("uwe@ünna.example").value])
        let report = try database.sendReport(id: send.id!)
        #expect(report.segment == "unna")
        #expect(report.segmentWhere == #"kreis = "Unna""#)

        // A segment in use by a scheduled, running or paused send stays; afterwards it can go, and
        // the send keeps the filter it used.
        #expect {
            try database.removeSegment(slug: "unna")
        } throws: { error in
            (error as? StoreError)?.code == .invalidState
                && (error as? StoreError)?.message.contains("send \(send.id!) (running)") == true
        }
        try database.cancelSend(id: send.id!)
        try database.removeSegment(slug: "unna")
        let after = try database.sendReport(id: send.id!)
        #expect(after.segment == nil && after.segmentWhere == #"kreis = "Unna""#)
        #expect(try database.segments().isEmpty)
    }

    @Test func segmentSlugsAreCheckedAndUnique() throws {
        try database.createSegment(slug: "a", list: "nrw", name: "A", expression: "has name", now: Date())
        #expect {
            try database.createSegment(slug: "a", list: "other", name: "A", expression: "has name", now: Date())
        } throws: { ($0 as? StoreError)?.code == .alreadyExists }
        #expect {
            try database.createSegment(slug: "Ä b", list: "nrw", name: "A", expression: "has name", now: Date())
        } throws: { ($0 as? StoreError)?.code == .invalidInput }
        #expect {
            try database.createSegment(slug: "b", list: "nope", name: "B", expression: "has name", now: Date())
        } throws: { ($0 as? StoreError)?.code == .notFound }
        #expect(try database.segments().map(\.segment.slug) == ["a"])
        #expect(try database.segment(slug: "a").list == "nrw")
    }

    /// A database from before segments: its sends keep going to the whole list after the upgrade.
    @Test func sendsScheduledBeforeTheUpgradeGoToTheWholeList() async throws {
        let queue = try DatabaseQueue(path: temporary.directory.appendingPathComponent("old.sqlite").path)
        try Schema.migrator.migrate(queue, upTo: "v2-bounce-verification")
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO lists (id, slug, name, created_at) VALUES (1, 'nrw', 'NRW', '2025-01-01');
                    INSERT INTO subscribers (id, email, status, created_at, updated_at)
                      VALUES (1, 'a@example.de', 'active', '2025-01-01', '2025-01-01'),
                             (2, 'b@example.de', 'active', '2025-01-01', '2025-01-01');
                    INSERT INTO subscriptions VALUES (1, 1, 'active', '2025-01-01', '2025-01-01'),
                                                     (2, 1, 'active', '2025-01-01', '2025-01-01');
                    INSERT INTO editions (id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                      VALUES (1, 'alt', 'Alt', 'nrw', 'x', 'x', '2025-01-01', '2025-01-01');
                    INSERT INTO sends (id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                      VALUES (1, 1, 1, 'scheduled', '2025-01-01', '2025-01-01', '2025-01-01');
                    """)
        }
        let upgraded = try AppDatabase(writer: queue)
        let report = try upgraded.sendReport(id: 1)
        #expect(report.segment == nil && report.segmentWhere == nil)
        _ = try await upgraded.startSend(id: 1, now: Date(), timeZone: berlin)
        #expect(try await upgraded.sendCounts(id: 1).total == 2)
    }

    func saveEdition() throws {
        try database.saveEdition(
            Edition(
                slug: "ausgabe", subject: "Ausgabe", preheader: "", listSlug: "nrw", template: "edition",
                markdown: "Hallo\n", frontMatter: [:], source: "---\nsubject: Ausgabe\n---\nHallo\n", sourcePath: nil))
    }

    // MARK: - The reference

    static func evaluate(_ expression: SegmentExpression, _ member: Member, zone: TimeZone) -> Bool {
        func value(_ field: SegmentField) -> String {
            switch field {
            case .email: (try? EmailAddress(member.email).value) ?? member.email
            case .name: member.name
            case .domain: String(((try? EmailAddress(member.email).value) ?? member.email).split(separator: "@").last!)
            case .attribute(let name): member.attributes[name] ?? ""
            }
        }
        func fold(_ text: String) -> String { text.lowercased() }
        // Addresses and domains typed with umlauts mean their stored (punycode) form.
        func stored(_ text: String, _ field: SegmentField) -> String {
            switch field {
            case .email: (try? EmailAddress(text).value) ?? text
            case .domain: (try? EmailAddress("x@" + text).value.dropFirst(2)).map(String.init) ?? text
            default: text
            }
        }
        switch expression {
        case .equals(let field, let text): return fold(value(field)) == fold(stored(text, field))
        case .notEquals(let field, let text): return fold(value(field)) != fold(stored(text, field))
        case .isIn(let field, let texts): return texts.map { fold(stored($0, field)) }.contains(fold(value(field)))
        case .has(let field): return !value(field).isEmpty
        case .subscribedBefore(let time): return member.joined < time.start(in: zone)
        case .subscribedAfter(let time): return member.joined >= time.end(in: zone)
        case .not(let inner): return !evaluate(inner, member, zone: zone)
        case .and(let left, let right): return evaluate(left, member, zone: zone) && evaluate(right, member, zone: zone)
        case .or(let left, let right): return evaluate(left, member, zone: zone) || evaluate(right, member, zone: zone)
        }
    }
}

/// A small seeded generator, so a failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RandomSegment {
    static let fields: [SegmentField] = [
        .email, .name, .domain, .attribute("kommune"), .attribute("kreis"), .attribute("rolle"),
        .attribute("telefon"), .attribute("fehlt"),
    ]
    static let values = ["Unna", "unna", "ÜNNA", "Soest", "Presse", "", "Ida", "bönen", "stadt-unna.example"]
    static let times = ["2024-12-31", "2025-01-01", "2025-01-01 00:00", "2025-01-02 00:29", "2025-06-01"]

    static func expression(depth: Int, _ random: inout SplitMix64) -> SegmentExpression {
        switch depth > 0 ? Int.random(in: 0..<5, using: &random) : 0 {
        case 0, 1:
            let field = fields.randomElement(using: &random)!
            let value = values.randomElement(using: &random)!
            let time = SegmentTime(times.randomElement(using: &random)!)!
            switch Int.random(in: 0..<6, using: &random) {
            case 0: return .equals(field, value)
            case 1: return .notEquals(field, value)
            case 2: return .isIn(field, [value, values.randomElement(using: &random)!])
            case 3: return .has(field)
            case 4: return .subscribedBefore(time)
            default: return .subscribedAfter(time)
            }
        case 2: return .not(expression(depth: depth - 1, &random))
        case 3: return .and(expression(depth: depth - 1, &random), expression(depth: depth - 1, &random))
        default: return .or(expression(depth: depth - 1, &random), expression(depth: depth - 1, &random))
        }
    }
}
