import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// The editors' console on the admin listener: sign-in at `/`, the first-sign-in password change,
/// the dashboard and sign-out. Server-rendered, no script; every form carries a CSRF token.
struct Console: Sendable {
    let configuration: Configuration
    let renderer: ConsoleRenderer
    let makeOperations: @Sendable (Actor, Role) -> RundbriefApp.Operations
    let throttle: SignInThrottle
    let hasher: PasswordHasher
    let proxies: [IPNetwork]
    let logger: Logger

    static let sessionCookie = "rundbrief_session"
    /// A random value the sign-in form repeats (double submit): a sign-in needs a form we served.
    static let signInCookie = "rundbrief_sign_in"
    static let maxFormBytes = 8_192

    /// A signed-in request.
    struct SignedInRequest: Sendable {
        var session: Session
        var user: User
    }

    /// Session cookies go without `Secure` only for a loopback http console (development).
    var secureCookies: Bool { !configuration.admin.cookiesMayBeInsecure }

    func language(_ request: Request) -> Language {
        Language.negotiate(
            request.headers[.acceptLanguage], fallback: Language(rawValue: configuration.web.defaultLanguage) ?? .de)
    }

    func clientAddress(_ request: Request, _ context: WebRequestContext) -> String {
        ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress ?? "unknown",
            forwarded: request.headers[values: SecurityHeaders.forwardedFor].joined(separator: ","), proxies: proxies)
    }

    /// The paths a person whose password is a one-time password may use: the overview (which sends
    /// them on), the password change and sign-out.
    static let beforePasswordChange: Set<String> = ["/", "/password", "/sign-out"]

    /// The session the request's cookie names, if it is valid. Someone still holding a one-time
    /// password counts as signed in only on ``beforePasswordChange``: every other page and form sends
    /// them back to `/`, which asks for the new password.
    func signedIn(_ request: Request) async throws -> SignedInRequest? {
        guard let found = try await session(request) else { return nil }
        if found.user.mustChangePassword && !Self.beforePasswordChange.contains(request.uri.path) { return nil }
        return found
    }

    /// The session the request's cookie names, if it is valid, whatever the password's state.
    private func session(_ request: Request) async throws -> SignedInRequest? {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty, token.count <= 100 else {
            return nil
        }
        let found = try await blocking { try makeOperations(.daemon, .editor).session(token: token) }
        return found.map { SignedInRequest(session: $0.0, user: $0.1) }
    }

    /// Runs blocking work (SQLite, bcrypt) on NIO's thread pool, never on the Swift concurrency pool.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// The request's form fields, or nil when the body is larger than `limit` (a console form's size
    /// unless the form holds an edition).
    func form(_ request: Request, limit: Int = Self.maxFormBytes) async -> FormFields? {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return nil }
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return FormFields(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// What a signed-in form's request turned out to be: the person and their form, or the answer to
    /// give instead (the sign-in page for nobody signed in, 403 for a missing or wrong CSRF token).
    enum SignedInForm {
        case valid(SignedInRequest, FormFields)
        case answer(Response)
    }

    /// Every form a signed-in person posts passes here: a session, then its CSRF token.
    func signedInForm(_ request: Request, limit: Int = Self.maxFormBytes) async throws -> SignedInForm {
        guard let signedIn = try await signedIn(request) else { return .answer(redirect("/")) }
        guard let form = await form(request, limit: limit),
            RundbriefApp.Operations.csrfMatches(form["csrf"], session: signedIn.session)
        else {
            let language = language(request)
            return .answer(
                errorPage(
                    .forbidden, message: Self.text(.formExpired, language), language: language, signedIn: signedIn))
        }
        return .valid(signedIn, form)
    }

    func page(
        _ page: ConsoleRenderer.Page, status: HTTPResponse.Status = .ok, language: Language,
        signedIn: SignedInRequest? = nil, values: [String: Any] = [:]
    ) -> Response {
        var values = values
        if let signedIn {
            let user = signedIn.user
            values["user"] = [
                "display": user.name.isEmpty ? user.email : user.name, "role": user.role.rawValue,
                "admin": user.role == .admin,
            ]
            values["csrf"] = signedIn.session.csrfToken
        }
        if let section = page.section { values["nav_\(section)"] = true }
        let html = renderer.render(page, language: language, values: values)
        return Response(
            status: status, headers: headers(["text/html; charset=utf-8"]),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ status: HTTPResponse.Status, message: String, language: Language, signedIn: SignedInRequest? = nil)
        -> Response
    {
        page(
            .error, status: status, language: language, signedIn: signedIn,
            values: ["status": status.code, "message": message])
    }

    func redirect(_ location: String) -> Response {
        var fields = headers([])
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    /// Every console answer: the strict policy, never cached, never framed, no referrer.
    func headers(_ contentType: [String]) -> HTTPFields {
        var fields = HTTPFields()
        if let type = contentType.first { fields[.contentType] = type }
        fields[.contentSecurityPolicy] = renderer.contentSecurityPolicy
        fields[.cacheControl] = "no-store"
        fields[.xContentTypeOptions] = "nosniff"
        fields[SecurityHeaders.referrerPolicy] = "no-referrer"
        fields[SecurityHeaders.frameOptions] = "DENY"
        return fields
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// A script of `templates/admin/assets/` (404 for any other name); public, like a stylesheet.
    func script(_ name: String) -> Response {
        guard let bytes = renderer.scripts[name] else {
            return Response(status: .notFound, headers: headers(["text/plain; charset=utf-8"]))
        }
        var fields = headers(["text/javascript; charset=utf-8"])
        fields[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A cookie the browser drops at once.
    func expiredCookie(_ name: String) -> Cookie { cookie(name, "", maxAge: 0) }
}
