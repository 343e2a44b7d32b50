import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

@Suite struct SubscriberImporterTests {
    let temporary: TemporaryDatabase
    var database: AppDatabase { temporary.database }

    init() throws {
        temporary = try TemporaryDatabase()
        try temporary.database.createList(slug: "news", name: "Newsletter")
    }

    private func runImport(_ csv: String, status: SubscriberStatus = .active) throws -> (
        ImportSummary, [ImportProblem]
    ) {
        var problems: [ImportProblem] = []
        let importer = SubscriberImporter(
            database: database, list: "news", status: status, sourceName: "test.csv")
        let summary = try importer.run(reader: CSVReader(bytes: Array(csv.utf8))) { problems.append($0) }
        return (summary, problems)
    }

    @Test func germanExcelFileWithBOMSemicolonsAndExtraColumnsImports() throws {
        let csv =
            "\u{FEFF}E-Mail;Vorname;Nachname;Kommune\r\nanna@beispiel.de;Anna;Müller;Unna\r\n\"bernd@beispiel.de\";Bernd;\"Groß; Sohn\";Kamen\r\n"
        let (summary, problems) = try runImport(csv)
        #expect(problems.isEmpty)
        #expect(summary.imported == 2)
        let bernd = try #require(try database.subscriber(try EmailAddress("bernd@beispiel.de")))
        #expect(bernd.name == "Bernd Groß; Sohn")
        #expect(bernd.attributes == ["kommune": "Kamen"])
        #expect(bernd.status == .active)
        #expect(bernd.consentMethod == "import")
    }

    @Test func badRowsAreReportedWithLineNumbersWhileGoodRowsImport() throws {
        let csv = """
            email,name
            good@example.de,Gut
            not-an-address,Kaputt
            ,Leer
            second@example.de,Zwei
            GOOD@example.de,Doppelt
            """
        let (summary, problems) = try runImport(csv)
        #expect(summary.imported == 2)
        #expect(summary.rejected == 2)
        #expect(summary.skipped == 1)
        #expect(problems.map(\.line) == [3, 4, 6])
        #expect(problems[2].reason == "duplicate of line 2")
        #expect(problems[0].severity == .rejected)
    }

    @Test func reimportUpdatesAndNeverDuplicates() throws {
        _ = try runImport("email,name,ort\na@example.de,A,Unna\nb@example.de,B,Hamm\n")
        let (summary, _) = try runImport(
            "email,name,ort\na@example.de,A,Unna\nb@example.de,Bea,Hamm\nc@example.de,C,\n")
        #expect(summary.imported == 1)
        #expect(summary.updated == 1)
        #expect(summary.unchanged == 1)
        #expect(try database.read { db in try Subscriber.fetchCount(db) } == 3)
        #expect(try database.subscriber(try EmailAddress("b@example.de"))?.name == "Bea")
    }

    @Test func unsubscribedAndForgottenAddressesAreNotReAdded() throws {
        _ = try runImport("email\nleft@example.de\ngone@example.de\n")
        try database.removeSubscriber(try EmailAddress("left@example.de"), list: nil)
        try database.forgetSubscriber(try EmailAddress("gone@example.de"))
        let (summary, problems) = try runImport("email\nleft@example.de\ngone@example.de\n")
        #expect(summary.skipped == 2)
        #expect(summary.imported == 0)
        #expect(try database.subscriber(try EmailAddress("left@example.de"))?.status == .unsubscribed)
        #expect(try database.subscriber(try EmailAddress("gone@example.de")) == nil)
        #expect(problems.allSatisfy { $0.severity == .skipped })
    }

    @Test func aFileWithoutAnEmailColumnIsRefusedAndChangesNothing() throws {
        #expect {
            _ = try runImport("name,ort\nAnna,Unna\n")
        } throws: { error in
            "\(error)".contains("no email column")
        }
        #expect(try database.read { db in try Subscriber.fetchCount(db) } == 0)
    }

    @Test func anUnterminatedQuoteRejectsTheRowAndKeepsEarlierRows() throws {
        let (summary, problems) = try runImport(
            "email,name\nok@example.de,Ok\nbad@example.de,\"never closed\nlater@example.de,X\n")
        #expect(summary.imported == 1)
        #expect(summary.rejected >= 1)
        #expect(problems.first?.line == 3)
    }

    @Test func invalidUTF8RowsAreRejectedWithAReason() throws {
        var bytes = Array("email,name\nok@example.de,Ok\nlatin@example.de,M".utf8)
        bytes.append(0xFC)  // ü in ISO-8859-1
        bytes += Array("ller\n".utf8)
        var problems: [ImportProblem] = []
        let importer = SubscriberImporter(database: database, list: "news", sourceName: "latin1.csv")
        let summary = try importer.run(reader: CSVReader(bytes: bytes)) { problems.append($0) }
        #expect(summary.imported == 1)
        #expect(summary.rejected == 1)
        #expect(problems.first?.reason.contains("UTF-8") == true)
    }
}
