import Foundation
import RundbriefCore
import RundbriefMail
import Synchronization
import Testing

/// A clock that never really waits: sleeping advances its time and records the wait.
final class ManualClock: Sendable {
    private let state = Mutex<(now: Date, sleeps: [Duration])>((Date(timeIntervalSinceReferenceDate: 0), []))

    var sendClock: SendClock {
        SendClock(
            now: { self.state.withLock { $0.now } },
            sleep: { duration in
                self.state.withLock { state in
                    state.sleeps.append(duration)
                    let (seconds, attoseconds) = duration.components
                    state.now += Double(seconds) + Double(attoseconds) / 1e18
                }
            })
    }

    var sleeps: [Duration] { state.withLock { $0.sleeps } }
    func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }
}

@Suite struct RateLimitTests {
    @Test func tokenBucketAllowsItsBurstThenSpacesTokens() {
        var bucket = TokenBucket(rate: 10, capacity: 10)
        let waits = (0..<12).map { _ in bucket.take(now: 100) }
        #expect(waits.prefix(10).allSatisfy { $0 == 0 })
        #expect(abs(waits[10] - 0.1) < 1e-9 && abs(waits[11] - 0.2) < 1e-9)
        // A second later the bucket has refilled 10 tokens, minus the two reserved ahead of time
        #expect(bucket.take(now: 101) == 0)
    }

    @Test func tokenBucketNeverHoldsMoreThanItsCapacity() {
        var bucket = TokenBucket(rate: 2, capacity: 3)
        _ = bucket.take(now: 0)
        let waits = (0..<5).map { _ in bucket.take(now: 1000) }
        #expect(waits.filter { $0 == 0 }.count == 3)
    }

    @Test func rateLimiterSpacesMessagesAtTheConfiguredRate() async throws {
        // Given 5 messages per second and a clock under the test's control
        let clock = ManualClock()
        let limiter = RateLimiter(perSecond: 5, perHour: 0, clock: clock.sendClock)
        // When 25 messages go
        for _ in 0..<25 { try await limiter.acquire() }
        // Then the first second's burst went at once and the rest waited: 25 messages took 4 s
        let waited = clock.sleeps.reduce(Duration.zero, +)
        #expect(abs(waited.components.seconds - 4) <= 1)
        #expect(clock.sleeps.count == 20)
    }

    @Test func hourlyLimitCapsAnHour() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(perSecond: 0, perHour: 600, clock: clock.sendClock)
        for _ in 0..<610 { try await limiter.acquire() }
        // 600/h with a minute's burst (10): 610 messages need exactly one hour of refill
        let waited = clock.sleeps.reduce(Duration.zero, +)
        #expect(waited >= .seconds(3599) && waited <= .seconds(3601))
    }

    @Test func domainLimitCapsConcurrencyAndRate() {
        let throttle = DomainThrottle(limits: [
            "t-online.de": Configuration.DomainLimit(domain: "t-online.de", concurrency: 2, rate: 100)
        ])
        let now = Date(timeIntervalSinceReferenceDate: 0)
        #expect(throttle.acquire(domain: "t-online.de", now: now) == nil)
        #expect(throttle.acquire(domain: "T-Online.de", now: now) == nil)
        // The third concurrent message to the domain must wait, others are not affected
        #expect(throttle.acquire(domain: "t-online.de", now: now) != nil)
        #expect(throttle.acquire(domain: "gmx.de", now: now) == nil)
        throttle.release(domain: "t-online.de", slowDown: false, now: now)
        #expect(throttle.acquire(domain: "t-online.de", now: now) == nil)
    }

    @Test func domainRateLimitSpacesMessages() {
        let throttle = DomainThrottle(limits: [
            "web.de": Configuration.DomainLimit(domain: "web.de", concurrency: 10, rate: 2)
        ])
        let now = Date(timeIntervalSinceReferenceDate: 0)
        var allowed = 0
        for _ in 0..<5 {
            if throttle.acquire(domain: "web.de", now: now) == nil {
                allowed += 1
                throttle.release(domain: "web.de", slowDown: false, now: now)
            }
        }
        #expect(allowed == 2)
        let retry = throttle.acquire(domain: "web.de", now: now)
        #expect(retry.map { $0.timeIntervalSince(now) } ?? 0 > 0)
        #expect(throttle.acquire(domain: "web.de", now: now.addingTimeInterval(0.5)) == nil)
    }

    @Test func slowDownRepliesHoldADomainBackAndSuccessRecovers() {
        let throttle = DomainThrottle(limits: [:])
        let now = Date(timeIntervalSinceReferenceDate: 0)
        #expect(throttle.acquire(domain: "strict.example", now: now) == nil)
        throttle.release(domain: "strict.example", slowDown: true, now: now)
        #expect(throttle.isSlowedDown(domain: "strict.example"))
        // Held back for a while, while another domain goes on
        let retry = throttle.acquire(domain: "strict.example", now: now)
        #expect(retry != nil && retry! > now)
        #expect(throttle.acquire(domain: "relaxed.example", now: now) == nil)
        // After the pause, one connection at a time; a success halves the penalty back to normal
        let later = now.addingTimeInterval(10)
        #expect(throttle.acquire(domain: "strict.example", now: later) == nil)
        #expect(throttle.acquire(domain: "strict.example", now: later) != nil)
        throttle.release(domain: "strict.example", slowDown: false, now: later)
        #expect(!throttle.isSlowedDown(domain: "strict.example"))
    }

    @Test func retryDelaysDoubleUpToTheMaximum() {
        let policy = DeliveryPolicy(retryInitial: .seconds(300), retryMax: .seconds(3600))
        #expect(policy.retryDelay(attempt: 1) == .seconds(300))
        #expect(policy.retryDelay(attempt: 2) == .seconds(600))
        #expect(policy.retryDelay(attempt: 4) == .seconds(2400))
        #expect(policy.retryDelay(attempt: 5) == .seconds(3600))
        #expect(policy.retryDelay(attempt: 50) == .seconds(3600))
    }
}
