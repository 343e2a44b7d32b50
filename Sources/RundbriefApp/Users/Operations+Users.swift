import Foundation
import RundbriefCore
public import RundbriefStore

/// A person just added, with the one-time password to hand them when none was given.
public struct AddedUser: Sendable {
    public var user: User
    /// Set when no password was given: shown once, must be changed at the first sign-in.
    public var oneTimePassword: String?
}

extension Operations {
    /// Adds a person who may sign in to the console.
    /// - Parameters:
    ///   - password: the password they chose; nil makes a one-time password that must be changed at
    ///     the first sign-in.
    ///   - hasher: bcrypt with its cost (tests lower it).
    public func addUser(
        email: String, name: String = "", role: Role, password: String? = nil, hasher: PasswordHasher = PasswordHasher()
    ) throws(OperationError) -> AddedUser {
        try requireAdmin("manage users")
        let address = try Self.personAddress(email)
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        guard !trimmedName.contains(where: \.isNewline), trimmedName.count <= 200 else {
            throw OperationError(.invalid, "a name must be one line of at most 200 characters")
        }
        if let password, let problem = PasswordHasher.problem(with: password, email: address) {
            throw OperationError(.invalid, problem)
        }
        let oneTime = password == nil ? Secret.oneTimePassword() : nil
        let hash = hasher.hash(password ?? oneTime!)
        let user = try storing {
            try database.createUser(
                email: address, name: trimmedName, role: role, passwordHash: hash, mustChangePassword: oneTime != nil,
                now: now)
        }
        audit.record("user.added", fields: ["user.id": "\(user.id)", "role": role.rawValue], at: now)
        return AddedUser(user: user, oneTimePassword: oneTime)
    }

    /// Every person who may sign in, by address.
    public func users() throws(OperationError) -> [User] {
        try requireAdmin("see users")
        return try storing { try database.users() }
    }

    /// Removes a person; their sessions end at once.
    @discardableResult
    public func removeUser(email: String) throws(OperationError) -> User {
        try requireAdmin("manage users")
        let user = try storing { try database.deleteUser(email: email.trimmingCharacters(in: .whitespaces)) }
        audit.record("user.removed", fields: ["user.id": "\(user.id)"], at: now)
        return user
    }

    /// Gives a person a new one-time password (shown once) and ends their sessions; they must choose a
    /// password of their own at the next sign-in.
    public func resetPassword(email: String, hasher: PasswordHasher = PasswordHasher()) throws(OperationError) -> String
    {
        try requireAdmin("manage users")
        let user = try existingUser(email)
        let oneTime = Secret.oneTimePassword()
        try storing {
            try database.setPassword(userID: user.id, hash: hasher.hash(oneTime), mustChange: true, now: now)
        }
        audit.record("user.password_reset", fields: ["user.id": "\(user.id)"], at: now)
        return oneTime
    }

    /// A signed-in person chooses a new password (required after a one-time password). Their other
    /// sessions end; this one stays.
    public func changePassword(
        session: Session, current: String, new: String, hasher: PasswordHasher = PasswordHasher()
    ) throws(OperationError) {
        let user = try storing { try database.users().first { $0.id == session.userID } }
        guard let user else { throw OperationError(.unauthorized, "the session has ended; please sign in again") }
        guard hasher.verify(current, hash: user.passwordHash) else {
            throw OperationError(.invalid, "the current password is wrong")
        }
        if let problem = PasswordHasher.problem(with: new, email: user.email) {
            throw OperationError(.invalid, problem)
        }
        guard new != current else {
            throw OperationError(.invalid, "the new password must differ from the current one")
        }
        try storing {
            try database.setPassword(
                userID: user.id, hash: hasher.hash(new), mustChange: false, keepingSession: session.id, now: now)
        }
        audit.record("user.password_changed", fields: ["user.id": "\(user.id)"], at: now)
    }

    func existingUser(_ email: String) throws(OperationError) -> User {
        let found = try storing { try database.user(email: email.trimmingCharacters(in: .whitespaces)) }
        guard let found else { throw OperationError(.notFound, "no user \(email) (see: rundbrief users list)") }
        return found
    }

    static func personAddress(_ email: String) throws(OperationError) -> String {
        try address(email).value
    }
}
