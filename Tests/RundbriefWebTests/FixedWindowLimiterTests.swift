import Foundation
import RundbriefCore
import Testing

@testable import RundbriefWeb

@Suite struct FixedWindowLimiterTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func admitsUpToTheLimitPerWindow() {
        let limiter = FixedWindowLimiter(limit: 3, window: 60, capacity: 10)
        #expect((0..<5).map { _ in limiter.admit("a", now: start) } == [true, true, true, false, false])
        #expect(limiter.admit("b", now: start))
        #expect(limiter.admit("a", now: start + 60))
    }

    @Test func allowsLooksWithoutCounting() {
        let limiter = FixedWindowLimiter(limit: 1, window: 60, capacity: 10)
        for _ in 0..<5 { #expect(limiter.allows("a", now: start)) }
        #expect(limiter.trackedKeys == 0)
        #expect(limiter.admit("a", now: start))
        #expect(!limiter.allows("a", now: start))
    }

    /// A flood of new keys (100,000 forged clients) used to fill the table so that every new
    /// visitor was refused for an hour; now the oldest entries make room.
    @Test func staysBoundedAndEvictsTheOldestInsteadOfRefusingNewKeys() {
        let limiter = FixedWindowLimiter(limit: 1, window: 3_600, capacity: 100)
        for index in 0..<1_000 { #expect(limiter.admit("flood-\(index)", now: start + Double(index) / 1_000)) }
        #expect(limiter.trackedKeys <= 100)
        #expect(limiter.admit("visitor", now: start + 2))
        // The newest keys are still counted.
        #expect(!limiter.admit("flood-999", now: start + 2))
        #expect(!limiter.admit("visitor", now: start + 2))
    }

    @Test func ipv6ClientsAreGroupedByTheir64() {
        #expect(IPNetwork.clientKey("2001:db8:1:2:aaaa::1") == IPNetwork.clientKey("2001:db8:1:2:ffff:1:2:3"))
        #expect(IPNetwork.clientKey("2001:db8:1:2::1") != IPNetwork.clientKey("2001:db8:1:3::1"))
        #expect(IPNetwork.clientKey("2001:db8:1:2::1") == "2001:0db8:0001:0002::/64")
        #expect(IPNetwork.clientKey("192.0.2.7") == "192.0.2.7")
        #expect(IPNetwork.clientKey("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(IPNetwork.clientKey("unknown") == "unknown")
    }

    @Test func networksContainTheirAddresses() throws {
        let network = try #require(IPNetwork("10.1.0.0/16"))
        #expect(network.contains("10.1.200.3"))
        #expect(!network.contains("10.2.0.1"))
        #expect(!network.contains("::1"))
        #expect(try #require(IPNetwork("fd00::/8")).contains("fd12::5"))
        #expect(try #require(IPNetwork("::1")).contains("[::1]"))
        #expect(try #require(IPNetwork("127.0.0.1")).contains("::ffff:127.0.0.1"))
        for bad in ["", "10.0.0.0/33", "example.org", "10.0.0.1/x", "1.2.3", "::1/129"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
    }

    @Test func mailboxKeysFoldCaseTagsAndGmailDots() throws {
        func key(_ text: String) throws -> String { MailboxKey.of(try EmailAddress(text)) }
        #expect(try key("Opfer+1@Example.org") == "opfer@example.org")
        #expect(try key("o.p.f.e.r+news@googlemail.com") == "opfer@gmail.com")
        #expect(try key("OPFER@gmail.com") == "opfer@gmail.com")
        // Dots matter elsewhere: they are different mailboxes.
        #expect(try key("a.b@example.org") != key("ab@example.org"))
    }
}
