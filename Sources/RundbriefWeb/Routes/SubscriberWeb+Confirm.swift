import Foundation
import Hummingbird
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// `GET /confirm?token=`: completes the double opt-in of a pending subscriber.
    ///
    /// Someone who had unsubscribed gets a button instead: link scanners fetch every GET, and a
    /// scanner must not put a person back on a list they left.
    func confirmLink(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let claims: TokenClaims
        switch verify(request.uri.queryParameters.get("token"), .confirm) {
        case .success(let verified): claims = verified
        case .failure(let error): return try await linkInvalid(error.code == .expired, language)
        }
        guard let subscriber = try await database.fetchSubscriber(id: claims.subscriberID),
            subscriber.accepts(tokenIssuedAt: claims.issued)
        else {
            return try await linkInvalid(true, language)
        }
        let listName = try await listName(claims.listID)
        if try await database.isActive(subscriberID: claims.subscriberID, list: claims.listID) {
            return page(.confirmed, language: language, values: ["list": listName, "already": true])
        }
        if subscriber.status.isSticky {
            let token = request.uri.queryParameters.get("token") ?? ""
            return page(.confirmAgain, language: language, values: ["list": listName, "token": token])
        }
        let outcome = try await database.confirm(
            subscriberID: claims.subscriberID, list: claims.listID,
            consent: consent("double-opt-in", request, context), tokenIssued: claims.issued)
        if outcome == .confirmed, configuration.web.welcomeMail, let listID = claims.listID {
            try await queueWelcome(subscriber, listID: listID, language: language)
        }
        return page(.confirmed, language: language, values: ["list": listName])
    }

    /// `POST /confirm` (form: `token`): the button of the "subscribe again" and undo pages.
    ///
    /// A token without a list is an undo of "unsubscribe from all": it restores the memberships
    /// that unsubscribe ended, which happened at the token's issue time.
    func confirmButton(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        guard let body = await readBody(request) else {
            return errorPage(.contentTooLarge, language: language)
        }
        let claims: TokenClaims
        switch verify(FormFields(body)["token"], .confirm) {
        case .success(let verified): claims = verified
        case .failure(let error): return try await linkInvalid(error.code == .expired, language)
        }
        let outcome = try await database.confirm(
            subscriberID: claims.subscriberID, list: claims.listID,
            restoringSince: claims.listID == nil ? claims.issued : nil,
            consent: consent("web-resubscribe", request, context), tokenIssued: claims.issued)
        if outcome == .unknownSubscriber { return try await linkInvalid(true, language) }
        let listName = try await listName(claims.listID)
        return page(.confirmed, language: language, values: ["list": listName])
    }

    /// The page for a confirmation link that cannot be used, with the sign-up form to ask again.
    /// Expired links (and links of since-erased subscribers) answer 410 Gone, others 400.
    private func linkInvalid(_ expired: Bool, _ language: Language) async throws -> Response {
        var values = formValues(try await database.allLists(), chosen: nil)
        values["expired"] = expired
        return page(.linkInvalid, status: expired ? .gone : .badRequest, language: language, values: values)
    }

    func listName(_ listID: Int64?) async throws -> String? {
        guard let listID else { return nil }
        return try await database.list(id: listID)?.name
    }

    func consent(_ method: String, _ request: Request, _ context: WebRequestContext) -> Consent {
        Consent(
            method: method, ip: clientAddress(request, context), userAgent: userAgent(request), at: now())
    }

    private func queueWelcome(_ subscriber: Subscriber, listID: Int64, language: Language)
        async throws
    {
        guard let list = try await database.list(id: listID), let subscriberID = subscriber.id else {
            return
        }
        let now = self.now()
        let token = signer.sign(
            TokenClaims(purpose: .unsubscribe, subscriberID: subscriberID, listID: listID, issued: now))
        let mail = mails.render(
            .welcome, language: language,
            values: mailValues(name: subscriber.name, list: list).merging([
                "unsubscribeLink": UnsubscribeLinks.https(baseURL: baseURL, token: token)
            ]) { $1 })
        enqueue(mail, to: subscriber.email, kind: "welcome", subscriberID: subscriberID, now: now)
    }
}
