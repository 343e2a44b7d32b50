import Foundation
import GRDB
import RundbriefCore
import Testing

@testable import RundbriefStore

@Suite struct SubscriberTests {
    let temporary: TemporaryDatabase
    var database: AppDatabase { temporary.database }

    init() throws {
        temporary = try TemporaryDatabase()
        try temporary.database.createList(slug: "news", name: "Newsletter")
        try temporary.database.createList(slug: "events", name: "Veranstaltungen")
    }

    @Test func addingTwiceKeepsOneSubscriberWithTwoMemberships() throws {
        let address = try EmailAddress("Anna.Schmidt@Bücher.DE")
        try database.addSubscriber(
            address, name: "Anna Schmidt", list: "news", consent: Consent(method: "cli"))
        try database.addSubscriber(
            try EmailAddress("anna.schmidt@bücher.de"), list: "events", consent: Consent(method: "cli"))
        let detail = try database.subscriberDetail(address)
        #expect(detail.subscriber.email == "Anna.Schmidt@xn--bcher-kva.de")
        #expect(detail.subscriber.name == "Anna Schmidt")
        #expect(detail.lists.map(\.list) == ["events", "news"])
        #expect(detail.events.filter { $0.kind == "subscribed" }.count == 2)
        #expect(try database.read { db in try Subscriber.fetchCount(db) } == 1)
    }

    @Test func removeUnsubscribesAndAnUnsubscribedAddressIsNotAddedBack() throws {
        let address = try EmailAddress("kurt@example.de")
        try database.addSubscriber(address, list: "news", consent: Consent(method: "cli"))
        #expect(try database.removeSubscriber(address, list: nil))
        #expect(try database.subscriber(address)?.status == .unsubscribed)
        #expect(try database.removeSubscriber(address, list: nil) == false)
        #expect {
            try database.addSubscriber(address, list: "news", consent: Consent(method: "cli"))
        } throws: { error in
            (error as? StoreError)?.code == .invalidState
        }
    }

    @Test func forgetErasesPersonalDataAndSuppressesTheAddress() throws {
        let address = try EmailAddress("erika@example.de")
        try database.addSubscriber(
            address, name: "Erika", list: "news", attributes: ["ort": "Unna"],
            consent: Consent(method: "double-opt-in", ip: "192.0.2.7"))
        try database.forgetSubscriber(address)
        #expect(try database.subscriber(address) == nil)
        #expect(try database.isSuppressed(address))
        let leftovers = try database.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM events")
                + String.fetchAll(db, sql: "SELECT name FROM subscribers")
        }
        #expect(!leftovers.contains { $0.contains("192.0.2.7") || $0.contains("Erika") })
        // The audit log still counts that somebody was forgotten, without saying who.
        #expect(
            try database.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM events WHERE kind = 'forgotten' AND subscriber_id IS NULL")
            } == 1)
        #expect(throws: StoreError.self) {
            try database.addSubscriber(address, list: "news", consent: Consent(method: "cli"))
        }
    }

    @Test func listingStreamsFilteredSubscribersInIdOrder() throws {
        for index in 0..<25 {
            try database.addSubscriber(
                try EmailAddress("person\(index)@example.de"),
                list: index.isMultiple(of: 2) ? "news" : "events",
                status: index.isMultiple(of: 5) ? .pending : .active, consent: Consent(method: "cli"))
        }
        var seen: [String] = []
        try database.forEachSubscriber(list: "news", status: .active) { seen.append($0.email) }
        #expect(seen.count == 10)
        #expect(seen.first == "person2@example.de")
        let summaries = try database.listSummaries()
        #expect(summaries.first { $0.list.slug == "news" }?.active == 10)
        #expect(summaries.first { $0.list.slug == "news" }?.pending == 3)
    }

    @Test func showJSONIsOneObjectWithStatusListsAndEvents() throws {
        let address = try EmailAddress("gdpr@example.de")
        try database.addSubscriber(
            address, name: "Jörg", list: "news", attributes: ["kommune": "Unna"],
            consent: Consent(method: "cli"))
        let data = try JSONEncoder().encode(try database.subscriberDetail(address))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["status"] as? String == "active")
        #expect(object["email"] as? String == "gdpr@example.de")
        #expect((object["attributes"] as? [String: String])?["kommune"] == "Unna")
        #expect((object["lists"] as? [[String: Any]])?.first?["list"] as? String == "news")
        #expect((object["events"] as? [[String: Any]])?.count == 1)
    }
}
