import Foundation
import Logging
import RundbriefApp
import RundbriefCore
import RundbriefStore
import Testing

/// The edition operations against a real (in-memory) store: saving from text with the revision seen,
/// the editor's form round trip, and test-send's address rules.
@Suite struct EditionOperationTests {
    let database: AppDatabase
    let configuration: Configuration

    init() throws {
        database = try AppDatabase.inMemory()
        let text = """
            [tokens]
            keys = ["t:\(Data(repeating: 7, count: 32).base64EncodedString())"]
            [sender]
            address = "news@example.org"
            [delivery]
            timezone = "Europe/Berlin"
            [templates]
            directory = "\(SegmentOperationTests.templates)"
            """
        configuration = try ConfigurationLoader(environment: [:], files: .local).load(text: text, path: "test.toml")
        try database.createList(slug: "nrw", name: "NRW")
    }

    func operations(_ actor: Actor, at time: TimeInterval = 1_780_000_000) -> Operations {
        Operations(
            configuration: configuration, database: database, actor: actor, logger: Logger(label: "test"),
            now: { Date(timeIntervalSince1970: time) })
    }

    static let source = "---\nsubject: Herbst\nlist: nrw\nslug: herbst\n---\nHallo {{name}}\n"

    @Test func aSaveThatDidNotSeeTheLastOneIsRefusedNamingWhoAndWhen() throws {
        let anna = operations(.person(email: "anna@example.org"))
        let created = try anna.saveEdition(source: Self.source, slug: nil, seenRevision: nil)
        #expect(created.created && created.edition.revision == 1 && created.edition.updatedBy == "anna@example.org")
        // Creating the same slug again is a conflict, not an overwrite.
        #expect(throws: OperationError.self) { try anna.saveEdition(source: Self.source, slug: nil, seenRevision: nil) }

        let ben = operations(.person(email: "ben@example.org"), at: 1_780_000_600)
        let changed = Self.source.replacingOccurrences(of: "Hallo", with: "Guten Tag")
        #expect(try ben.saveEdition(source: changed, slug: "herbst", seenRevision: 1).edition.revision == 2)
        do {
            _ = try anna.saveEdition(source: Self.source, slug: "herbst", seenRevision: 1)
            Issue.record("a stale save was stored")
        } catch {
            #expect(error.kind == .conflict)
            // 1_780_000_600 is 2026-05-28 20:36 UTC, 22:36 in Berlin.
            #expect(
                error.message
                    == "this edition was changed by ben@example.org at 2026-05-28 22:36 GMT+2 after you opened it; "
                    + "reload it and apply your changes again")
        }
        #expect(try database.edition("herbst").markdown == "Guten Tag {{name}}\n")
        let renamed = changed.replacingOccurrences(of: "slug: herbst", with: "slug: winter")
        #expect(
            throws: OperationError(
                .invalid, "the front matter names the slug winter, but this is edition herbst: a slug stays")
        ) {
            try ben.saveEdition(source: renamed, slug: "herbst", seenRevision: 2)
        }
        // After a removal, a save that started before it is refused too.
        try ben.removeEdition("herbst")
        #expect(throws: OperationError.self) { try anna.saveEdition(source: changed, slug: "herbst", seenRevision: 2) }
    }

    @Test func theEditorsFormRoundTripsAnEditionKeepingItsOtherKeys() throws {
        let text =
            "---\nsubject: \"Zitat \\\"x\\\"\"\nlist: nrw\nslug: herbst\narchive: true\nmeta:\n  autor: A\n---\nText\n"
        var form = try EditionForm(source: text, slug: "herbst")
        #expect(form.subject == "Zitat \"x\"")
        #expect(form.otherFrontMatter == "archive: true\nmeta:\n  autor: A")
        #expect(form.body == "Text\n")
        form.subject = "Neu: \"y\" \\ z"
        let again = try EditionSource(text: form.source, fileName: "herbst.md")
        #expect(again.subject == "Neu: \"y\" \\ z")
        #expect(again.archive && again.extra["autor"]?.text == "A")
        // A line break typed into the subject is refused, not turned into a header.
        form.subject = "Zeile\nBcc: x@example.org"
        #expect(throws: EditionError.self) { try EditionSource(text: form.source, fileName: "herbst.md") }
    }

    @Test func testSendTakesUpToTenDistinctAddressesAsTyped() throws {
        let addresses = try Operations.testRecipients(["a@example.org, b@example.org\nA@example.org; c@example.org"])
        #expect(addresses.map(\.value) == ["a@example.org", "b@example.org", "c@example.org"])
        #expect(throws: OperationError(.invalid, "a test goes to at most 10 addresses (11 given)")) {
            try Operations.testRecipients((0...10).map { "p\($0)@example.org" })
        }
        #expect(throws: OperationError(.invalid, "give at least one address to send the test to")) {
            try Operations.testRecipients([" ,\n"])
        }
        #expect(throws: OperationError.self) { try Operations.testRecipients(["kein-at"]) }
    }
}
