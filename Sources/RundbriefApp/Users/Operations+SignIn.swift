public import Foundation
import Logging
public import RundbriefStore

/// A person who just signed in: the token goes into their cookie once and is never stored.
public struct SignedIn: Sendable {
    public var token: String
    public var session: Session
    public var user: User
}

/// What a right password leads to: a session, or (for an account with TOTP) the question for the code.
public enum SignInOutcome: Sendable {
    case signedIn(SignedIn)
    /// The password was right and the account wants a TOTP code: `challenge` names this half-done
    /// sign-in (a cookie holds it for ``Operations/codeLifetime``; only its hash is stored).
    case codeNeeded(challenge: String)
}

extension Operations {
    /// How long a session lasts from sign-in (a working day, then sign in again).
    public static let sessionLifetime: TimeInterval = 12 * 3_600

    /// Checks an address and a password and starts a session.
    ///
    /// Refused alike for an unknown address and a wrong password (no enumeration), and before the
    /// password is checked when the address typed or the client address failed too often recently,
    /// whether or not an account has that address.
    /// - Parameter clientAddress: the client's IP address, for the per-address throttle.
    /// An account with TOTP gets no session yet: ``confirmSignIn(challenge:code:clientAddress:throttle:)``
    /// starts it once the code is right.
    /// - Throws: `OperationError` `.unauthorized`.
    public func signIn(
        email: String, password: String, clientAddress: String, throttle: SignInThrottle,
        hasher: PasswordHasher = PasswordHasher()
    ) throws(OperationError) -> SignInOutcome {
        let account = email.trimmingCharacters(in: .whitespaces)
        let user = try storing { try database.user(email: account) }
        let limits = throttle.limits
        // Only the throttle decides, and it counts an unknown address exactly as an account: a hold-back
        // that only accounts could earn (the stored failure count) would tell a stranger who has one.
        guard throttle.allows(account: account, address: clientAddress, now: now) else {
            logger.notice("sign-in held back", metadata: ["client": "\(clientAddress)"])
            throw OperationError(.unauthorized, Self.tooManyAttempts(window: limits.window))
        }
        let matches = hasher.verify(password, hash: user?.passwordHash ?? PasswordHasher.decoy)
        guard let user, matches else {
            throttle.recordFailure(account: account, address: clientAddress, now: now)
            if let user {
                try storing { try database.recordFailedSignIn(userID: user.id, now: now) }
                trail(for: user).record("user.sign_in_failed", fields: ["user.id": "\(user.id)"], at: now)
            }
            throw OperationError(.unauthorized, Self.wrongCredentials)
        }
        if user.totpEnabled {
            let challenge = Secret.token()
            try storing {
                try database.createSignInChallenge(
                    tokenHash: Secret.hash(challenge), userID: user.id, now: now,
                    expiresAt: now.addingTimeInterval(Self.codeLifetime))
            }
            return .codeNeeded(challenge: challenge)
        }
        throttle.recordSuccess(account: account)
        return .signedIn(try startSession(for: user))
    }

    /// A new session for a person whose sign-in is complete.
    func startSession(for user: User) throws(OperationError) -> SignedIn {
        let token = Secret.token()
        let session = try storing {
            try database.createSession(
                tokenHash: Secret.hash(token), userID: user.id, csrfToken: Secret.token(), now: now,
                expiresAt: now.addingTimeInterval(Self.sessionLifetime))
        }
        trail(for: user).record("user.signed_in", fields: ["user.id": "\(user.id)"], at: now)
        return SignedIn(token: token, session: session, user: user)
    }

    /// The session a cookie's token names, with its person; nil when unknown or expired.
    public func session(token: String) throws(OperationError) -> (Session, User)? {
        guard !token.isEmpty else { return nil }
        return try storing { try database.session(tokenHash: Secret.hash(token), now: now) }
    }

    /// Ends a session.
    public func signOut(_ session: Session, user: User) throws(OperationError) {
        try storing { try database.deleteSession(id: session.id) }
        trail(for: user).record("user.signed_out", fields: ["user.id": "\(user.id)"], at: now)
    }

    /// Whether a form's CSRF token is the session's, compared in constant time.
    public static func csrfMatches(_ given: String?, session: Session) -> Bool {
        tokensMatch(given, session.csrfToken)
    }

    /// A fresh random token for a form that comes before a session (the sign-in form's double submit).
    public static func formToken() -> String { Secret.token() }

    /// Whether a form repeated `expected`, compared in constant time; an empty token never matches.
    public static func tokensMatch(_ given: String?, _ expected: String) -> Bool {
        guard let given, !expected.isEmpty else { return false }
        return Secret.equal(given, expected)
    }

    static let wrongCredentials = "the e-mail address or the password is wrong"
    static func tooManyAttempts(window: TimeInterval) -> String {
        "too many failed sign-ins: wait \(max(1, Int((window / 60).rounded(.up)))) minutes and try again"
    }

    func trail(for user: User) -> AuditTrail {
        AuditTrail(database: database, actor: .person(email: user.email), sink: audit.sink)
    }
}
