import Foundation
import RundbriefCore
import RundbriefMail
import Testing

/// Greylisting and other per-recipient deferrals back off the recipient, not the domain; only
/// connection-level signals slow a domain, and never for longer than the configured maximum.
struct GreylistingTests {
    private func outcome(_ code: Int, _ status: String?, _ text: String, at stage: SMTPStage) -> SMTPOutcome {
        let reply = SMTPReply(code: code, enhancedStatus: status, text: text)
        return SMTPOutcome(
            classification: code == 421 ? .connectionFailed : .transient, stage: stage, reply: reply)
    }

    @Test func perRecipientDeferralsDoNotSlowTheDomain() {
        // The replies of the experiment (and of postgrey, Postfix and Exim greylisting)
        #expect(
            !DomainThrottle.isSlowDown(outcome(451, "4.7.1", "<a@b.example>: Greylisted, try again later", at: .rcptTo))
        )
        #expect(
            !DomainThrottle.isSlowDown(
                outcome(450, "4.2.0", "<a@b.example>: Recipient address rejected: Greylisted", at: .rcptTo)))
        #expect(!DomainThrottle.isSlowDown(outcome(452, "4.2.2", "Mailbox full", at: .rcptTo)))
        #expect(!DomainThrottle.isSlowDown(outcome(451, "4.3.0", "Temporary lookup failure", at: .endOfData)))
    }

    @Test func connectionLevelSignalsSlowTheDomain() {
        #expect(DomainThrottle.isSlowDown(outcome(421, "4.7.0", "Too many connections, slow down", at: .connect)))
        #expect(DomainThrottle.isSlowDown(outcome(421, nil, "Service not available", at: .rcptTo)))
        #expect(DomainThrottle.isSlowDown(outcome(450, "4.7.1", "Rate limit exceeded, try again later", at: .rcptTo)))
        #expect(DomainThrottle.isSlowDown(outcome(451, "4.7.1", "Too many messages from your IP", at: .mailFrom)))
        #expect(DomainThrottle.isSlowDown(outcome(452, "4.3.2", "too many concurrent SMTP connections", at: .connect)))
    }

    @Test func noDomainWaitExceedsTheConfiguredMaximum() {
        let throttle = DomainThrottle(limits: [:], maxBackoff: 60)
        var now = Date(timeIntervalSinceReferenceDate: 0)
        for _ in 0..<20 {
            if let until = throttle.acquire(domain: "strict.example", now: now) {
                #expect(until.timeIntervalSince(now) <= 60)
                now = until
                continue
            }
            throttle.release(domain: "strict.example", slowDown: true, now: now)
            let wait = throttle.acquire(domain: "strict.example", now: now).map { $0.timeIntervalSince(now) } ?? 0
            #expect(wait <= 60, "waited \(wait) s")
            now = now.addingTimeInterval(wait)
        }
    }

    @Test func thePolicyCapsTheDomainBackoffAtRetryMax() {
        let policy = DeliveryPolicy(retryInitial: .seconds(5), retryMax: .seconds(60))
        #expect(policy.domainBackoffMax == .seconds(60))
        #expect(DeliveryPolicy(retryMax: .seconds(21_600)).domainBackoffMax == .seconds(300))
    }
}
