import Foundation
import RundbriefCore

/// The sign-up abuse limits: requests per client address and hour, confirmation mails per
/// subscriber address and day.
///
/// The per-address limit is what stops a stranger's inbox being flooded: past it, sign-ups of
/// that address still get the usual answer, but no further mail.
final class SignUpLimits: Sendable {
    private let perClient: FixedWindowLimiter
    private let perAddress: FixedWindowLimiter

    init(_ web: Configuration.WebSection, capacity: Int = 100_000) {
        perClient = FixedWindowLimiter(
            limit: web.signupsPerIPPerHour, window: 3_600, capacity: capacity)
        perAddress = FixedWindowLimiter(
            limit: web.signupsPerAddressPerDay, window: 86_400, capacity: capacity)
    }

    /// Counts a sign-up request from `client`; false once the client is over its hourly limit.
    func admitRequest(from client: String, now: Date) -> Bool {
        perClient.admit(client, now: now)
    }

    /// Counts a confirmation mail to `address`; false once the address had its share today.
    func admitMail(to address: EmailAddress, now: Date) -> Bool {
        perAddress.admit(address.value.lowercased(), now: now)
    }
}
