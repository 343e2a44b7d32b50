import Foundation
import Hummingbird
import Logging
import NIOCore
import RundbriefCore
import RundbriefStore

/// Everything the subscriber routes need, built once by `WebApplication`; the routes are
/// extensions on it, one file per feature.
struct SubscriberWeb: Sendable {
    let configuration: Configuration
    let database: AppDatabase
    let signer: TokenSigner
    let templates: WebTemplates
    let outbox: MailOutbox
    /// Does each sign-up's address-dependent work after the answer (see `signUp`).
    var signUps: SignUpQueue
    let limits: SignUpLimits
    /// The peers whose X-Forwarded-For is believed (`http.trusted_proxies`).
    let proxies: [IPNetwork]
    let logger: Logger
    let now: @Sendable () -> Date
    /// Awaited by the `SignUpQueue` before each sign-up's work; a seam for the tests to hold that
    /// work back and show the answer does not wait for it.
    var signUpProbe: @Sendable () async -> Void = {}

    var pages: PageRenderer { templates.pages }
    var mails: MailTemplates { templates.mails }

    var baseURL: String {
        var url = configuration.http.baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    func language(of request: Request) -> Language {
        Language.negotiate(
            request.headers[.acceptLanguage],
            fallback: Language(rawValue: configuration.web.defaultLanguage) ?? .de)
    }

    /// The client's address: the TCP peer, or, when the peer is a trusted proxy, the nearest
    /// X-Forwarded-For entry that is not itself a trusted proxy (entries further left are whatever
    /// the client claimed). From any other peer the header is ignored.
    func clientAddress(_ request: Request, _ context: WebRequestContext) -> String {
        ClientAddress.resolve(
            peer: context.remoteAddress?.ipAddress ?? "unknown",
            forwarded: request.headers[values: SecurityHeaders.forwardedFor].joined(separator: ","), proxies: proxies)
    }

    /// The proxies `http.trusted_proxies` names; the deprecated `trust_forwarded_for = true`
    /// adds loopback only (a proxy on the same host), never any peer.
    static func trustedProxies(_ http: Configuration.HTTPSection) -> [IPNetwork] {
        var proxies = http.trustedProxies.compactMap(IPNetwork.init)
        if http.trustForwardedFor { proxies += ["127.0.0.0/8", "::1"].compactMap(IPNetwork.init) }
        return proxies
    }

    func userAgent(_ request: Request) -> String? {
        request.headers[.userAgent].map { String($0.prefix(512)) }
    }

    /// A rendered page as a response; token pages must not be cached or leak through Referer.
    func page(
        _ page: Page, status: HTTPResponse.Status = .ok, language: Language,
        values: [String: any Sendable] = [:]
    ) -> Response {
        var values = values
        values["baseURL"] = baseURL
        values["publisher"] = publisherValues()
        let html = pages.render(page, language: language, values: values)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The error page for `status`, its text chosen by the template from the status flags.
    func errorPage(_ status: HTTPResponse.Status, language: Language) -> Response {
        self.page(
            .error, status: status, language: language,
            values: ["status": status.code, "is\(status.code)": true])
    }

    /// A short plain-text answer (RFC 8058 one-click needs no page).
    func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }

    /// A JSON answer for sign-ups from other sites' scripts.
    func json(_ body: [String: String], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads the request body up to `http.max_body_bytes`; `nil` when it is larger.
    func readBody(_ request: Request) async -> String? {
        let limit = configuration.http.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return nil
        }
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    /// Verifies a token, answering `nil` for anything but a valid one and the reason in `error`.
    func verify(_ token: String?, _ purpose: TokenPurpose) -> Result<TokenClaims, TokenError> {
        guard let token, !token.isEmpty, token.utf8.count <= 256 else {
            return .failure(TokenError(.malformed))
        }
        let maxAge: Duration? =
            switch purpose {
            case .confirm: .seconds(configuration.tokens.confirmTTLHours * 3_600)
            case .undo: Self.undoLifetime
            default: nil
            }
        do {
            return .success(try signer.verify(token, purpose: purpose, now: now(), maxAge: maxAge))
        } catch {
            return .failure(error)
        }
    }

    func link(_ path: String, token: String) -> String {
        "\(baseURL)\(path)?token=\(token)"
    }
}
