import Foundation
import RundbriefStore
import Testing

/// Users, sessions and API keys in a real SQLite file (migration v3-admin).
struct PeopleStoreTests {
    @Test func idsAreNeverReusedAndSessionsEndWithTheirPerson() throws {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let anna = try database.createUser(
            email: "anna@example.de", name: "Anna", role: .editor, passwordHash: "$2b$04$x", mustChangePassword: true,
            now: now)
        let session = try database.createSession(
            tokenHash: "t1", userID: anna.id, csrfToken: "c1", now: now, expiresAt: now.addingTimeInterval(60))
        #expect(try database.session(tokenHash: "t1", now: now)?.1.email == "anna@example.de")
        #expect(try database.session(tokenHash: "t1", now: now.addingTimeInterval(61)) == nil)  // expired
        #expect(try database.user(email: "ANNA@example.de")?.id == anna.id)

        try database.deleteUser(email: "anna@example.de")
        #expect(try database.session(tokenHash: "t1", now: now) == nil)
        let again = try database.createUser(
            email: "anna@example.de", name: "Anna", role: .admin, passwordHash: "$2b$04$y", mustChangePassword: false,
            now: now)
        #expect(again.id > anna.id)
        let next = try database.createSession(
            tokenHash: "t2", userID: again.id, csrfToken: "c2", now: now, expiresAt: now.addingTimeInterval(60))
        #expect(next.id > session.id)
    }

    @Test func aPasswordChangeEndsEveryOtherSession() throws {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let ben = try database.createUser(
            email: "ben@example.de", name: "", role: .admin, passwordHash: "h", mustChangePassword: true, now: now)
        let kept = try database.createSession(
            tokenHash: "a", userID: ben.id, csrfToken: "x", now: now, expiresAt: now.addingTimeInterval(600))
        _ = try database.createSession(
            tokenHash: "b", userID: ben.id, csrfToken: "y", now: now, expiresAt: now.addingTimeInterval(600))
        try database.setPassword(userID: ben.id, hash: "h2", mustChange: false, keepingSession: kept.id, now: now)
        #expect(try database.session(tokenHash: "a", now: now) != nil)
        #expect(try database.session(tokenHash: "b", now: now) == nil)
        #expect(try database.user(email: "ben@example.de")?.mustChangePassword == false)
    }

    @Test func aRevokedKeyStopsWorkingAndItsNameMayBeUsedAgain() throws {
        let temporary = try TemporaryDatabase()
        let database = temporary.database
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try database.createAPIKey(name: "intranet", role: .editor, keyHash: "k1", now: now)
        #expect(throws: StoreError.self) {
            try database.createAPIKey(name: "intranet", role: .admin, keyHash: "k2", now: now)
        }
        #expect(try database.workingAPIKey(hash: "k1", now: now)?.key.id == first.id)
        _ = try database.revokeAPIKey(name: "intranet", now: now)
        #expect(try database.workingAPIKey(hash: "k1", now: now) == nil)
        let second = try database.createAPIKey(name: "intranet", role: .admin, keyHash: "k2", now: now)
        #expect(second.id > first.id)
    }
}
