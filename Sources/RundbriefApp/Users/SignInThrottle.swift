public import Foundation
import Synchronization

/// Counts failed sign-ins per account (by address, known or not) and per client address in a sliding
/// window, in the daemon's memory. Over the limit a sign-in is refused before the password is checked,
/// with the same answer whether the account exists or not.
public final class SignInThrottle: Sendable {
    public struct Limits: Sendable {
        /// Failed sign-ins per account within `window` before it is held back.
        public var perAccount: Int
        /// Failed sign-ins from one client address within `window` before it is held back.
        public var perAddress: Int
        public var window: TimeInterval

        public init(perAccount: Int = 5, perAddress: Int = 20, window: TimeInterval = 15 * 60) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.window = window
        }
    }

    public let limits: Limits
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether another attempt for `account` from `address` is allowed now.
    func allows(account: String, address: String, now: Date) -> Bool {
        failures.withLock { failures in
            count(Self.accountKey(account), in: &failures, now: now) < limits.perAccount
                && count(Self.addressKey(address), in: &failures, now: now) < limits.perAddress
        }
    }

    /// Counts a failed attempt against both.
    func recordFailure(account: String, address: String, now: Date) {
        failures.withLock { failures in
            failures[Self.accountKey(account), default: []].append(now)
            failures[Self.addressKey(address), default: []].append(now)
            if failures.count > 100_000 {
                failures = failures.filter { $0.value.last.map { now.timeIntervalSince($0) < limits.window } ?? false }
            }
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    func recordSuccess(account: String) {
        _ = failures.withLock { $0.removeValue(forKey: Self.accountKey(account)) }
    }

    private func count(_ key: String, in failures: inout [String: [Date]], now: Date) -> Int {
        guard var times = failures[key] else { return 0 }
        times.removeAll { now.timeIntervalSince($0) >= limits.window }
        failures[key] = times.isEmpty ? nil : times
        return times.count
    }

    private static func accountKey(_ account: String) -> String { "account:" + account.lowercased() }
    private static func addressKey(_ address: String) -> String { "address:" + address }
}
