import Foundation
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

    @Test func staysBoundedAndFailsClosedWhenFull() {
        let limiter = FixedWindowLimiter(limit: 1, window: 60, capacity: 3)
        for key in ["a", "b", "c"] { #expect(limiter.admit(key, now: start)) }
        #expect(!limiter.admit("d", now: start + 1))
        #expect(limiter.trackedKeys == 3)
        // Once the windows are over, their keys make room.
        #expect(limiter.admit("d", now: start + 61))
        #expect(limiter.trackedKeys == 1)
    }
}
