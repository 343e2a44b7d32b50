import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

/// Public and private lists in the store: the migration, the sign-up's refusal, the public lists.
@Suite struct ListVisibilityTests {
    /// Lists that existed before `v3-lists` stay public, as they were.
    @Test func existingListsStayPublic() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-v3-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rundbrief.sqlite").path
        let old = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(old, upTo: "v2-bounce-verification")
        try old.write { db in
            try db.execute(
                sql: "INSERT INTO lists (slug, name, description, created_at) VALUES ('alt', 'Alt', '', '2025-01-01')")
        }
        try old.close()

        let database = try AppDatabase(path: path)
        #expect(try database.list(slug: "alt").isPublic)
        #expect(try database.listSummaries().map(\.list.isPublic) == [true])
    }

    @Test func aSignUpNamingAPrivateListIsRefusedAsAnUnknownOne() async throws {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        try database.createList(slug: "news", name: "News")
        try database.createList(slug: "intern", name: "Intern", isPublic: false)
        #expect(try await database.publicLists().map(\.slug) == ["news"])
        let address = try EmailAddress("anna@example.org")
        for lists in [["intern"], ["news", "intern"], ["news", "gibtsnicht"]] {
            let error = await #expect(throws: StoreError.self) {
                try await database.signUp(address, name: "", lists: lists, detail: [:], now: Date())
            }
            #expect(error?.code == .notFound)
        }
        #expect(try database.subscriber(address) == nil)

        let outcome = try await database.signUp(address, name: "", lists: ["news", "news"], detail: [:], now: Date())
        guard case .awaitingConfirmation(_, let listIDs) = outcome else {
            Issue.record("not awaiting confirmation: \(outcome)")
            return
        }
        #expect(listIDs == [try database.list(slug: "news").id!])

        // Made private later: off the public lists at once, its members kept.
        try database.updateList(slug: "news", name: nil, description: nil, isPublic: false)
        #expect(try await database.publicLists().isEmpty)
        #expect(try database.subscriberDetail(address).lists.map(\.list) == ["news"])
    }
}
