import HTTPTypes
import Hummingbird
import Logging

/// The outermost responder: answers methods a subscriber path does not take with 405, answers
/// HEAD as GET without the body, turns every error into a page (never a stack trace, never an
/// empty 500), and puts the security headers on every response.
struct SubscriberWebResponder<Inner: HTTPResponder>: HTTPResponder
where Inner.Context == WebRequestContext {
    typealias Context = WebRequestContext

    let inner: Inner
    let web: SubscriberWeb
    /// The methods each subscriber path answers; other paths (extra routes) are not checked here.
    let allowed: [String: [HTTPRequest.Method]]

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return secured(await guarded(request, context)) }
        var head = request.head
        head.method = .get
        var response = secured(await guarded(Request(head: head, body: request.body), context))
        let length = response.headers[.contentLength]
        response.body = ResponseBody()
        response.headers[.contentLength] = length
        return response
    }

    private func secured(_ response: Response) -> Response {
        var response = response
        // The archive's web version of an edition brings its own policy (the mail's inline styles).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = web.pages.contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[SecurityHeaders.referrerPolicy] = "no-referrer"
        response.headers[SecurityHeaders.frameOptions] = "DENY"
        return response
    }

    private func guarded(_ request: Request, _ context: Context) async -> Response {
        let language = web.language(of: request)
        if let methods = allowed[request.uri.path], !methods.contains(request.method) {
            var response = web.errorPage(.methodNotAllowed, language: language)
            response.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
            return response
        }
        do {
            let response = try await inner.respond(to: request, context: context)
            // The router's own errors (unknown path) come without a body: give them a page.
            if response.status.code >= 400, response.headers[.contentType] == nil {
                return web.errorPage(response.status, language: language)
            }
            return response
        } catch let error as any HTTPResponseError {
            return web.errorPage(error.status, language: language)
        } catch {
            web.logger.error(
                "request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            return web.errorPage(.internalServerError, language: language)
        }
    }
}
