public import Foundation
import HummingbirdOTP
public import RundbriefStore

/// A TOTP secret being set up: what an authenticator app needs.
public struct TOTPSetup: Sendable {
    /// `otpauth://totp/Rundbrief:EMAIL?secret=…&issuer=Rundbrief`, for apps that read a link.
    public var url: String
    /// The secret in base32, to type into an app by hand.
    public var key: String
}

extension Operations {
    /// How long the question for the code waits after a right password.
    public static let codeLifetime: TimeInterval = 5 * 60
    /// Wrong codes before a half-done sign-in ends (the password must be given again).
    static let codeAttempts = 5
    /// TOTP's time step (RFC 6238), as authenticator apps use it.
    static let totpStep: TimeInterval = 30

    /// Starts turning on TOTP for the signed-in admin: a new secret, kept until a first code confirms
    /// it (``confirmTOTP(session:code:)``); until then sign-in is unchanged.
    /// - Throws: `OperationError` `.forbidden` for an editor.
    public func startTOTP(session: Session) throws(OperationError) -> TOTPSetup {
        try requireAdmin("turn on two-factor sign-in")
        let user = try sessionUser(session)
        // 20 random characters of base64url (120 bits): HummingbirdOTP uses the secret's UTF-8 bytes
        // as the HMAC key, so the key an app is given is their base32 (32 characters).
        let secret = String(Secret.token().prefix(20))
        try storing { try database.setPendingTOTP(userID: user.id, secret: secret, now: now) }
        return Self.setup(secret: secret, email: user.email)
    }

    /// The secret being set up, again (after a wrong first code); nil when none is.
    public func pendingTOTP(session: Session) throws(OperationError) -> TOTPSetup? {
        try requireAdmin("turn on two-factor sign-in")
        let user = try sessionUser(session)
        let state = try storing { try database.totpState(userID: user.id) }
        return state.pending.map { Self.setup(secret: $0, email: user.email) }
    }

    private static func setup(secret: String, email: String) -> TOTPSetup {
        let url = TOTP(secret: secret).createAuthenticatorURL(label: "Rundbrief:" + email, issuer: "Rundbrief")
        let key =
            url.split(separator: "?").last?.split(separator: "&")
            .first { $0.hasPrefix("secret=") }.map { String($0.dropFirst(7)) } ?? ""
        return TOTPSetup(url: url, key: key)
    }

    /// Turns TOTP on with the first code from the app: from now on sign-in asks for a code.
    /// - Throws: `OperationError` `.invalid` for a wrong code, `.conflict` when no setup was started.
    public func confirmTOTP(session: Session, code: String) throws(OperationError) {
        try requireAdmin("turn on two-factor sign-in")
        let user = try sessionUser(session)
        let state = try storing { try database.totpState(userID: user.id) }
        guard let pending = state.pending else {
            throw OperationError(.conflict, "two-factor sign-in is not being set up; start again")
        }
        guard let step = Self.matchingStep(code, secret: pending, now: now) else {
            throw OperationError(.invalid, Self.wrongCode)
        }
        try storing { try database.enableTOTP(userID: user.id, secret: pending, step: step, now: now) }
        audit.record("user.totp_enabled", fields: ["user.id": "\(user.id)"], at: now)
    }

    /// Completes a sign-in that waited for its TOTP code. A code is accepted for the current time
    /// step or the one before or after (clocks drift), and only for a step later than the last code
    /// accepted: a code seen once is not accepted again.
    /// - Throws: `OperationError` `.unauthorized` for a wrong, replayed or late code (after five wrong
    ///   codes the password must be given again).
    public func confirmSignIn(challenge: String, code: String, clientAddress: String, throttle: SignInThrottle)
        throws(OperationError) -> SignedIn
    {
        let found = try storing { try database.signInChallenge(tokenHash: Secret.hash(challenge), now: now) }
        guard let found, let user = try storing({ try database.user(id: found.userID) }) else {
            throw OperationError(.unauthorized, Self.codeExpired)
        }
        let state = try storing { try database.totpState(userID: user.id) }
        let step = state.secret.flatMap { Self.matchingStep(code, secret: $0, now: now) }
        guard let step, try storing({ try database.useTOTPStep(userID: user.id, step: step) }) else {
            throttle.recordFailure(account: user.email, address: clientAddress, now: now)
            try storing {
                try database.failSignInChallenge(id: found.id, limit: Self.codeAttempts)
                try database.recordFailedSignIn(userID: user.id, now: now)
            }
            trail(for: user).record("user.totp_failed", fields: ["user.id": "\(user.id)"], at: now)
            throw OperationError(.unauthorized, Self.wrongCode)
        }
        try storing { try database.deleteSignInChallenge(id: found.id) }
        throttle.recordSuccess(account: user.email)
        return try startSession(for: user)
    }

    /// Turns TOTP off for a person who lost their app (an admin's recovery); they sign in with the
    /// password alone and may turn it on again.
    public func resetTOTP(email: String) throws(OperationError) {
        try requireAdmin("manage users")
        let user = try existingUser(email)
        try storing { try database.clearTOTP(userID: user.id, now: now) }
        audit.record("user.totp_reset", fields: ["user.id": "\(user.id)"], at: now)
    }

    /// Whether the signed-in person has TOTP on.
    public func totpEnabled(session: Session) throws(OperationError) -> Bool {
        try sessionUser(session).totpEnabled
    }

    static let wrongCode = "the code is wrong or was used already"
    /// The refusal of a code whose half-done sign-in is gone: the password must be given again.
    public static let codeExpired = "the sign-in has expired; please give your password again"

    /// The time step whose code `code` is, within one step of now; nil when none matches.
    static func matchingStep(_ code: String, secret: String, now: Date) -> Int64? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let current = Int64((now.timeIntervalSince1970 / totpStep).rounded(.down))
        let totp = TOTP(secret: secret)
        var matched: Int64?
        // Every step of the window is computed and compared in constant time, whichever matches.
        for step in (current - 1)...(current + 1) {
            let expected = totp.compute(date: Date(timeIntervalSince1970: Double(step) * totpStep))
            if Secret.equal(digits, String(format: "%06d", expected)) { matched = step }
        }
        return matched
    }

    private func sessionUser(_ session: Session) throws(OperationError) -> User {
        guard let user = try storing({ try database.user(id: session.userID) }) else {
            throw OperationError(.unauthorized, "the session has ended; please sign in again")
        }
        return user
    }
}
