import Foundation
import Logging
import RundbriefApp
import RundbriefCore
import RundbriefStore
import Synchronization
import Testing

/// Collects the audit lines an operation writes.
final class AuditLines: AuditSink {
    let lines = Mutex<[String]>([])
    func notice(_ line: String) { lines.withLock { $0.append(line) } }
}

/// The segment operations against a real (in-memory) store: the rules every adapter gets.
@Suite struct SegmentOperationTests {
    let database: AppDatabase
    let operations: Operations
    let audit = AuditLines()

    /// The repository's templates: scheduling renders the edition once through them.
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates").path

    init() throws {
        database = try AppDatabase.inMemory()
        let text = """
            [tokens]
            keys = ["t:\(Data(repeating: 7, count: 32).base64EncodedString())"]
            [sender]
            address = "news@example.org"
            [templates]
            directory = "\(Self.templates)"
            """
        let configuration = try ConfigurationLoader(environment: [:], files: .local).load(text: text, path: "test.toml")
        operations = Operations(
            configuration: configuration, database: database, actor: .shell(user: "redaktion"),
            logger: Logger(label: "test"), auditSink: audit)
        try database.createList(slug: "nrw", name: "NRW")
        try database.createList(slug: "andere", name: "Andere")
        for (address, kreis) in [("a@unna.example", "Unna"), ("b@soest.example", "Soest"), ("c@unna.example", "UNNA")] {
            try database.addSubscriber(
                try EmailAddress(address), list: "nrw", attributes: ["kreis": kreis], consent: Consent(method: "cli"))
        }
        try database.saveEdition(
            Edition(
                slug: "ausgabe", subject: "Ausgabe", preheader: "", listSlug: "nrw", template: "edition",
                markdown: "Hallo\n", frontMatter: [:], source: "---\nsubject: Ausgabe\nlist: nrw\n---\nHallo\n",
                sourcePath: nil))
    }

    @Test func createCountsWarnsAboutUnknownAttributesAndIsAudited() throws {
        let detail = try operations.createSegment(
            slug: "unna", list: "nrw", expression: #"  kreis = "unna" and not has kreiss "#, name: "Kreis Unna")
        #expect(detail.count == 2)
        #expect(detail.summary.segment.expression == #"kreis = "unna" and not has kreiss"#)
        #expect(detail.summary.segment.name == "Kreis Unna")
        #expect(detail.warnings == ["no member of nrw has the attribute kreiss (a typo, or missing on everyone?)"])
        #expect(try operations.segment(slug: "unna").count == 2)
        let lines = audit.lines.withLock { $0 }
        #expect(
            lines.contains { $0.hasPrefix("segment.created ") && $0.contains("segment=unna") && $0.contains("count=2") }
        )
    }

    /// A value with spaces or quotes (an uploaded file's name, a filter) is one quoted field of the audit
    /// line: it cannot forge `user=` or any other field.
    @Test func auditLinesQuoteValuesThatCouldForgeFields() throws {
        let forging = Operations(
            configuration: operations.configuration, database: database, actor: .person(email: "a.csv user=boss"),
            logger: Logger(label: "test"), auditSink: audit)
        _ = try forging.createSegment(slug: "zitat", list: "nrw", expression: #"kreis = "unna""#)
        let line = try #require(audit.lines.withLock { $0 }.first { $0.hasPrefix("segment.created ") })
        #expect(line.hasSuffix(#" source=console user="a.csv user=boss""#), "\(line)")
        #expect(line.contains(" segment=zitat "))
        // Outside quoted values the line names one user.
        let bare = line.replacing(#/"(?:[^"\\]|\\.)*"/#, with: "")
        #expect(bare.components(separatedBy: " user=").count == 2, "\(line)")
    }

    @Test func refusalsHaveTheirKinds() throws {
        _ = try operations.createSegment(slug: "fremd", list: "andere", expression: "has kreis")
        func kind(_ body: () throws -> Void) -> OperationError.Kind? {
            do {
                try body()
                return nil
            } catch let error as OperationError {
                return error.kind
            } catch {
                return nil
            }
        }
        #expect(
            kind { _ = try operations.createSegment(slug: "x", list: "nrw", expression: "kreis = Unna") } == .invalid)
        #expect(
            kind { _ = try operations.createSegment(slug: "fremd", list: "nrw", expression: "has kreis") } == .conflict)
        #expect(kind { _ = try SendAudience(segment: "a", where: "b") } == .usage)
        #expect(
            kind {
                _ = try operations.scheduleSend(edition: "ausgabe", list: "nrw", at: "now", audience: .segment("fremd"))
            }
                == .invalid)
        #expect(
            kind {
                _ = try operations.scheduleSend(
                    edition: "ausgabe", list: "nrw", at: "now", audience: .filter(#"kreis = "Kleve""#))
            } == .invalid)
        #expect(
            kind {
                _ = try operations.scheduleSend(edition: "ausgabe", list: "nrw", at: "now", audience: .segment("nope"))
            }
                == .notFound)
        #expect(try operations.sends().isEmpty)
    }

    @Test func aDryRunRefusesWhatSchedulingWouldRefuse() throws {
        // A time in the past: the dry run says so, as the real schedule would
        #expect(throws: OperationError.self) {
            try operations.previewSend(edition: "ausgabe", list: "nrw", at: "2020-01-01 10:00", audience: .wholeList)
        }
        // An edition that does not render (a variable nobody has)
        try database.saveEdition(
            Edition(
                slug: "kaputt", subject: "Kaputt", preheader: "", listSlug: "nrw", template: "fehlt",
                markdown: "x\n", frontMatter: [:], source: "---\nsubject: Kaputt\nlist: nrw\ntemplate: fehlt\n---\nx\n",
                sourcePath: nil))
        #expect(throws: OperationError.self) {
            try operations.previewSend(edition: "kaputt", list: "nrw", at: "now", audience: .wholeList)
        }
    }

    @Test func aDryRunCountsAndSchedulesNothingAndASendRecordsItsFilter() throws {
        let preview = try operations.previewSend(
            edition: "ausgabe", list: "nrw", at: "now", audience: .filter(#"kreis in ("Soest")"#))
        #expect(preview.count == 1 && preview.filter == #"kreis in ("Soest")"#)
        #expect(try operations.sends().isEmpty)
        let report = try operations.scheduleSend(
            edition: "ausgabe", list: "nrw", at: "now", audience: .filter(#"kreis in ("Soest")"#))
        #expect(report.segment == nil && report.segmentWhere == #"kreis in ("Soest")"#)
        let whole = try operations.scheduleSend(edition: "ausgabe", list: "nrw", at: "now")
        #expect(whole.segmentWhere == nil)
        #expect(try operations.countMembers(list: "nrw", matching: "has kreis").count == 3)
    }
}
