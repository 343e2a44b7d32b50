import Foundation
import HTTPTypes
import Hummingbird
import RundbriefApp
import RundbriefStore

/// People and API keys in the console (`/users`, admins only — the operations refuse editors, and
/// the page answers 403): add a person (their one-time password is shown once), reset a password,
/// remove a person; create a key (shown once), revoke one. Every change is a POST with the CSRF token.
extension Console {
    func registerUserRoutes(on router: Router<WebRequestContext>) {
        let console = self
        router.get("/users") { request, _ in try await console.usersPage(request) }
        router.post("/users") { request, _ in try await console.addUser(request) }
        router.post("/users/remove") { request, _ in try await console.removeUser(request) }
        router.post("/users/reset-password") { request, _ in try await console.resetPassword(request) }
        router.post("/api-keys") { request, _ in try await console.createAPIKey(request) }
        router.post("/api-keys/revoke") { request, _ in try await console.revokeAPIKey(request) }
    }

    /// What the users page shows besides the people and keys.
    struct UsersPageState {
        /// A secret shown once: a one-time password or a new key, and whose it is.
        var revealed: (label: String, secret: String)?
        var notice: String?
        var userForm: [String: Any] = ["editor": true]
        var userMessage: String?
        var keyForm: [String: Any] = ["editor": true]
        var keyMessage: String?
    }

    /// `GET /users`.
    func usersPage(_ request: Request) async throws -> Response {
        switch try await pageAccess(request) {
        case .answer(let response): return response
        case .person(let signedIn): return try await usersPage(signedIn, language: language(request))
        }
    }

    func usersPage(
        _ signedIn: SignedInRequest, status: HTTPResponse.Status = .ok, language: Language,
        state: UsersPageState = UsersPageState()
    ) async throws -> Response {
        let found = try await acting(signedIn) { operations in
            (try operations.users(), try operations.apiKeys())
        }
        switch found {
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        case .success(let (users, keys)):
            var values: [String: Any] = [
                "users": users.map { user in
                    [
                        "email": user.email, "name": user.name, "role": user.role.rawValue,
                        "admin": user.role == .admin, "last_sign_in": shown(user.lastSignInAt),
                        "never": user.lastSignInAt == nil,
                        "one_time": user.mustChangePassword, "self": user.id == signedIn.user.id,
                    ] as [String: Any]
                },
                "keys": keys.map { key in
                    [
                        "name": key.name, "role": key.role.rawValue, "created": shown(key.createdAt),
                        "last_used": shown(key.lastUsedAt), "unused": key.lastUsedAt == nil,
                        "admin": key.role == .admin, "revoked": shown(key.revokedAt),
                        "working": key.revokedAt == nil,
                    ] as [String: Any]
                },
                "has_keys": !keys.isEmpty,
                "user_form": state.userForm, "key_form": state.keyForm,
            ]
            if let revealed = state.revealed {
                values["revealed"] = ["label": revealed.label, "secret": revealed.secret]
            }
            if let notice = state.notice { values["notice"] = notice }
            if let message = state.userMessage { values["user_message"] = message }
            if let message = state.keyMessage { values["key_message"] = message }
            return page(.users, status: status, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /users`: email, name, role → the one-time password, shown once.
    func addUser(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let name = form["name"] ?? ""
        let role = Role(rawValue: form["role"] ?? "") ?? .editor
        let hasher = self.hasher
        switch try await acting(signedIn, { try $0.addUser(email: email, name: name, role: role, hasher: hasher) }) {
        case .success(let added):
            let label =
                language == .de
                ? "Einmal-Passwort für \(added.user.email) (nur jetzt sichtbar; bei der ersten Anmeldung zu ändern)"
                : "One-time password for \(added.user.email) (shown only now; to be changed at the first sign-in)"
            return try await usersPage(
                signedIn, language: language,
                state: UsersPageState(revealed: (label, added.oneTimePassword ?? "")))
        case .failure(let error):
            if error.kind == .forbidden { return refusal(error, language: language, signedIn: signedIn) }
            return try await usersPage(
                signedIn, status: Self.status(error.kind), language: language,
                state: UsersPageState(
                    userForm: ["email": email, "name": name, "editor": role == .editor, "admin": role == .admin],
                    userMessage: Self.explained(error, language)))
        }
    }

    /// `POST /users/remove` (email).
    func removeUser(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let email = form["email"] ?? ""
        switch try await acting(signedIn, { try $0.removeUser(email: email) }) {
        case .success(let user):
            let notice = language == .de ? "\(user.email) wurde entfernt." : "\(user.email) was removed."
            return try await usersPage(signedIn, language: language, state: UsersPageState(notice: notice))
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }

    /// `POST /users/reset-password` (email) → a new one-time password, shown once.
    func resetPassword(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let email = form["email"] ?? ""
        let hasher = self.hasher
        switch try await acting(signedIn, { try $0.resetPassword(email: email, hasher: hasher) }) {
        case .success(let oneTime):
            let label =
                language == .de
                ? "Neues Einmal-Passwort für \(email) (nur jetzt sichtbar; alle Sitzungen sind beendet)"
                : "New one-time password for \(email) (shown only now; every session has ended)"
            return try await usersPage(
                signedIn, language: language, state: UsersPageState(revealed: (label, oneTime)))
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }

    /// `POST /api-keys`: name, role → the key, shown once.
    func createAPIKey(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let name = form["name"] ?? ""
        let role = Role(rawValue: form["role"] ?? "") ?? .editor
        switch try await acting(signedIn, { try $0.createAPIKey(name: name, role: role) }) {
        case .success(let created):
            let label =
                language == .de
                ? "API-Schlüssel „\(created.apiKey.name)“ (\(created.apiKey.role.rawValue); nur jetzt sichtbar)"
                : "API key '\(created.apiKey.name)' (\(created.apiKey.role.rawValue); shown only now)"
            return try await usersPage(
                signedIn, language: language, state: UsersPageState(revealed: (label, created.key)))
        case .failure(let error):
            if error.kind == .forbidden { return refusal(error, language: language, signedIn: signedIn) }
            return try await usersPage(
                signedIn, status: Self.status(error.kind), language: language,
                state: UsersPageState(
                    keyForm: ["name": name, "editor": role == .editor, "admin": role == .admin],
                    keyMessage: Self.explained(error, language)))
        }
    }

    /// `POST /api-keys/revoke` (name).
    func revokeAPIKey(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let name = form["name"] ?? ""
        switch try await acting(signedIn, { try $0.revokeAPIKey(name: name) }) {
        case .success(let key):
            let notice =
                language == .de
                ? "Der Schlüssel „\(key.name)“ ist widerrufen." : "The key '\(key.name)' is revoked."
            return try await usersPage(signedIn, language: language, state: UsersPageState(notice: notice))
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }
}
