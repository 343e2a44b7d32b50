import Foundation
import RundbriefCore
import Testing

@Suite("Bounce corpus")
struct BounceCorpusTests {
    static let samples = BounceFixtures.all()
    let parser = BounceParser(verpDeliveryID: BounceFixtures.resolver)

    /// The number of samples in Fixtures/bounces: update it when adding or removing one.
    static let sampleCount = 138

    @Test func everyFixtureDecodesAndNoneIsMissing() {
        let (samples, failures) = BounceFixtures.load()
        #expect(failures == [], "fixtures that do not decode")
        #expect(samples.count == Self.sampleCount)
    }

    @Test func corpusCoversEveryKind() {
        let kinds = Set(Self.samples.map(\.expected.kind))
        #expect(kinds == ["bounce", "complaint", "auto-reply", "not-a-bounce"])
    }

    @Test(arguments: samples)
    func sampleParsesAsExpected(_ sample: BounceFixtures.Sample) {
        let report = parser.parse(sample.message)
        let expected = sample.expected
        #expect(report.kind.rawValue == expected.kind)
        #expect(report.delivery == expected.delivery)
        #expect(report.recipients.map(\.address) == expected.recipients.map(\.address))
        for (actual, wanted) in zip(report.recipients, expected.recipients) {
            #expect(actual.permanent == wanted.permanent, "permanent for \(wanted.address)")
            if let status = wanted.status {
                #expect(actual.status == status, "status for \(wanted.address)")
            }
            if let action = wanted.action { #expect(actual.action == action) }
            if let blocked = wanted.senderBlocked { #expect(actual.senderBlocked == blocked) }
            if let mta = wanted.remoteMTA { #expect(actual.remoteMTA == mta) }
            if let reason = wanted.reason {
                #expect(actual.reason?.rawValue == reason, "reason for \(wanted.address)")
            }
            if let words = wanted.diagnosticContains {
                #expect(actual.diagnostic?.contains(words) == true)
            }
        }
        if let blocked = expected.senderBlocked { #expect(report.senderBlocked == blocked) }
        if let type = expected.feedbackType { #expect(report.feedbackType == type) }
        if let mta = expected.reportingMTA { #expect(report.reportingMTA == mta) }
        if let id = expected.originalMessageID { #expect(report.originalMessageID == id) }
    }
}
