import Foundation
import RundbriefCore
import RundbriefStore
import Testing

/// The store's side of the send guards and the per-send report, on a real SQLite file.
struct SendOutcomeTests {
    let temporary: TemporaryDatabase
    var database: AppDatabase { temporary.database }
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        temporary = try TemporaryDatabase()
        let database = temporary.database
        try database.createList(slug: "news", name: "News")
        try database.saveEdition(
            Edition(
                slug: "e1", subject: "News", preheader: "", listSlug: "news", template: "edition", markdown: "x",
                frontMatter: [:], source: "---\nsubject: News\n---\nx\n", sourcePath: nil))
        for address in ["anna@example.de", "ben@example.de"] {
            try database.addSubscriber(EmailAddress(address), list: "news", consent: Consent(method: "cli"))
        }
    }

    @Test func aSecondScheduleToTheSameAudienceIsReturnedInsteadOfAdded() throws {
        guard
            case .changed(let first) = try database.scheduleSend(
                edition: "e1", list: "news", at: start, again: false, now: start)
        else { Issue.record("the first schedule was refused"); return }
        let second = try database.scheduleSend(edition: "e1", list: "news", at: start, again: false, now: start)
        guard case .sentBefore(let earlier) = second else { Issue.record("scheduled twice"); return }
        #expect(earlier.send.id == first.id)
        #expect(try database.sendReports().count == 1)
        // A cancelled send does not count; --again always schedules.
        try database.cancelSend(id: first.id!, now: start)
        guard
            case .changed = try database.scheduleSend(edition: "e1", list: "news", at: start, again: false, now: start)
        else { Issue.record("a cancelled send blocked the schedule"); return }
        guard case .changed = try database.scheduleSend(edition: "e1", list: "news", at: start, again: true, now: start)
        else { Issue.record("--again was refused"); return }
    }

    @Test func theGuardComparesTheFilterToo() throws {
        let unna = AudienceFilter(segmentID: nil, expression: #"kommune = "Unna""#)
        let soest = AudienceFilter(segmentID: nil, expression: #"kommune = "Soest""#)
        guard
            case .changed = try database.scheduleSend(
                edition: "e1", list: "news", at: start, audience: unna, again: false, now: start)
        else { Issue.record("the first schedule was refused"); return }
        // The same edition to another part of the list, or to the whole list, is another audience
        guard
            case .changed = try database.scheduleSend(
                edition: "e1", list: "news", at: start, audience: soest, again: false, now: start),
            case .changed = try database.scheduleSend(edition: "e1", list: "news", at: start, again: false, now: start)
        else { Issue.record("a different audience was refused"); return }
        // The same part again is refused
        guard
            case .sentBefore = try database.scheduleSend(
                edition: "e1", list: "news", at: start, audience: unna, again: false, now: start)
        else { Issue.record("the same filter was scheduled twice"); return }
        #expect(try database.sendReports().count == 3)
    }

    @Test func anUnsubscribeThroughATokenWithoutASendIDCountsForTheSendThatIssuedIt() async throws {
        let send = try database.scheduleSend(edition: "e1", list: "news", at: start, now: start)
        _ = try await database.startSend(id: send.id!, now: start)
        let anna = try #require(try database.subscriber(EmailAddress("anna@example.de")))
        let ben = try #require(try database.subscriber(EmailAddress("ben@example.de")))
        // Anna replies to the mailto address of the send's message (issued at its start, to the second)
        try database.unsubscribe(
            subscriberID: anna.id!, list: send.listID, source: "mailto", now: start.addingTimeInterval(60),
            tokenIssued: start.addingTimeInterval(0.4))
        // Ben uses a link from a confirmation mail issued at another time: not this send's
        try database.unsubscribe(
            subscriberID: ben.id!, list: send.listID, source: "web", now: start.addingTimeInterval(60),
            tokenIssued: start.addingTimeInterval(-3_600))
        var expected = SendOutcomes()
        expected.unsubscribed = 1
        #expect(try database.sendOutcomes(id: send.id!) == expected)
    }

    @Test func resumingNeedsAgainOnlyWhenTheEditionWentToTheAudienceSinceTheSendWasScheduled() async throws {
        let older = try database.scheduleSend(
            edition: "e1", list: "news", at: start.addingTimeInterval(3_600), now: start)
        try database.pauseSend(id: older.id!, reason: "paused by operator", now: start)
        guard
            case .changed(let newer) = try database.scheduleSend(
                edition: "e1", list: "news", at: start, again: true, now: start.addingTimeInterval(1))
        else { Issue.record("--again was refused"); return }
        _ = try await database.startSend(id: newer.id!, now: start.addingTimeInterval(2))
        // The older one: the edition went out since it was scheduled
        let resumed = try database.resumeSend(id: older.id!, again: false, now: start.addingTimeInterval(3))
        guard case .sentBefore(let other) = resumed else { Issue.record("resumed without --again"); return }
        #expect(other.send.id == newer.id)
        // The newer one was scheduled after the older: pausing and resuming it needs no --again
        try database.pauseSend(id: newer.id!, reason: "paused by operator", now: start.addingTimeInterval(4))
        guard
            case .changed(let running) = try database.resumeSend(
                id: newer.id!, again: false, now: start.addingTimeInterval(5))
        else { Issue.record("the newer send needed --again"); return }
        #expect(running.status == .running)
        guard case .changed = try database.resumeSend(id: older.id!, again: true, now: start.addingTimeInterval(6))
        else { Issue.record("--again did not resume"); return }
    }
}
