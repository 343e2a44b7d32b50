import Foundation
import Hummingbird
import Logging
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// `GET /unsubscribe?token=`: the page with the button. Never unsubscribes: mail scanners and
    /// link previews fetch GETs.
    func unsubscribePage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let token = request.uri.queryParameters.get("token")
        guard case .success(let claims) = verify(token, .unsubscribe) else {
            return errorPage(.badRequest, language: language)
        }
        let listName = try await listName(claims.listID)
        return page(
            .unsubscribe, language: language,
            values: ["token": token ?? "", "list": listName, "hasList": listName != nil])
    }

    /// `POST /unsubscribe`: RFC 8058 one-click (body `List-Unsubscribe=One-Click`, token in the
    /// URL) answers in plain text; the page's form (`token`, `scope=list|all`) answers with a page
    /// that offers to undo.
    func unsubscribe(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        guard let body = await readBody(request) else {
            return errorPage(.contentTooLarge, language: language)
        }
        let fields = FormFields(body)
        let queryToken = request.uri.queryParameters.get("token").map { String($0) }
        if Self.isOneClick(fields, body: body, contentType: request.headers[.contentType]) {
            return try await oneClick(queryToken ?? fields["token"])
        }
        guard case .success(let claims) = verify(fields["token"] ?? queryToken, .unsubscribe) else {
            return errorPage(.badRequest, language: language)
        }
        let listID: Int64?
        switch fields["scope"] ?? "list" {
        case "list": listID = claims.listID
        case "all": listID = nil
        default: return errorPage(.badRequest, language: language)
        }
        // A token older than its subscriber was made for someone else: no unsubscribe, and no undo link
        // (a fresh confirmation token) for a stranger.
        if let holder = try await database.fetchSubscriber(id: claims.subscriberID),
            !holder.accepts(tokenIssuedAt: claims.issued)
        {
            return errorPage(.badRequest, language: language)
        }
        let now = self.now()
        let changed = try await database.unsubscribeIfKnown(
            subscriberID: claims.subscriberID, list: listID, source: "web",
            detail: ["scope": listID == nil ? "all" : "list"], now: now, tokenIssued: claims.issued,
            tokenSendID: claims.sendID)
        // Undo is offered only for this unsubscribe, and only when it changed something: the
        // token names its time, so a forwarded newsletter's link cannot bring back someone who
        // had left before.
        if changed { try await logUnsubscribe(claims.subscriberID, listID: listID, source: "web") }
        let listName = try await listName(listID)
        var values: [String: any Sendable] = ["list": listName, "all": listID == nil]
        if changed {
            values["undoToken"] = signer.sign(
                TokenClaims(purpose: .undo, subscriberID: claims.subscriberID, listID: listID, issued: now))
        }
        return page(.unsubscribed, language: language, values: values)
    }

    private func oneClick(_ token: String?) async throws -> Response {
        guard case .success(let claims) = verify(token, .unsubscribe) else {
            return text("invalid unsubscribe link", status: .badRequest)
        }
        let changed = try await database.unsubscribeIfKnown(
            subscriberID: claims.subscriberID, list: claims.listID, source: "one-click", detail: [:],
            now: now(), tokenIssued: claims.issued, tokenSendID: claims.sendID)
        if changed { try await logUnsubscribe(claims.subscriberID, listID: claims.listID, source: "one-click") }
        return text("unsubscribed")
    }

    /// One notice line per unsubscribe, so the journal is an audit trail (the address masked).
    private func logUnsubscribe(_ subscriberID: Int64, listID: Int64?, source: String) async throws {
        let email = try await database.fetchSubscriber(id: subscriberID)?.email
        var list = "all"
        if let listID { list = try await database.list(id: listID)?.slug ?? "\(listID)" }
        logger.notice(
            "subscriber unsubscribed",
            metadata: [
                "subscriber.id": "\(subscriberID)", "subscriber.email": "\(email.map(LogRedaction.address) ?? "-")",
                "list": "\(list)", "source": "\(source)",
            ])
    }

    /// Whether the body is RFC 8058's `List-Unsubscribe=One-Click`, URL-encoded or as
    /// multipart/form-data (the RFC allows both).
    static func isOneClick(_ fields: FormFields, body: String, contentType: String?) -> Bool {
        if fields["List-Unsubscribe"] == "One-Click" { return true }
        guard contentType?.lowercased().hasPrefix("multipart/form-data") ?? false else { return false }
        return body.contains("name=\"List-Unsubscribe\"") && body.contains("\r\n\r\nOne-Click\r\n")
    }
}
