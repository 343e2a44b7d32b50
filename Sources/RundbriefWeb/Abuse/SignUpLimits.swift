import Foundation
import RundbriefCore

/// The sign-up abuse limits: valid sign-ups per client and hour (IPv6 clients by their /64),
/// confirmation mails per mailbox and day, and confirmation mails per hour over everyone.
///
/// The per-mailbox limit is what stops a stranger's inbox being flooded: past it, sign-ups of
/// that address still get the usual answer, but no further mail. The hourly budget stops a
/// flood of distinct addresses turning the daemon into a mail cannon.
final class SignUpLimits: Sendable {
    private let perClient: FixedWindowLimiter
    private let perMailbox: FixedWindowLimiter
    private let budget: FixedWindowLimiter

    init(_ web: Configuration.WebSection, capacity: Int = 100_000) {
        perClient = FixedWindowLimiter(
            limit: web.signupsPerIPPerHour, window: 3_600, capacity: capacity)
        perMailbox = FixedWindowLimiter(
            limit: web.signupsPerAddressPerDay, window: 86_400, capacity: capacity)
        budget = FixedWindowLimiter(limit: web.confirmationMailsPerHour, window: 3_600, capacity: 1)
    }

    /// Whether `client` may still sign up this hour; counts nothing (see `countRequest`).
    func allowsRequest(from client: String, now: Date) -> Bool {
        perClient.allows(IPNetwork.clientKey(client), now: now)
    }

    /// Counts a valid sign-up from `client`: malformed requests cost nothing, so they cannot
    /// fill the table.
    func countRequest(from client: String, now: Date) {
        _ = perClient.admit(IPNetwork.clientKey(client), now: now)
    }

    /// Counts a confirmation mail to `address`; false once its mailbox had its share today or
    /// the hour's budget is spent (the budget is charged only for mails the mailbox may get).
    func admitMail(to address: EmailAddress, now: Date) -> Bool {
        perMailbox.admit(MailboxKey.of(address), now: now) && budget.admit("all", now: now)
    }
}
