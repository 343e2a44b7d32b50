import Foundation
import Hummingbird
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// How long the undo button after an unsubscribe works.
    static let undoLifetime: Duration = .seconds(3_600)

    /// `GET /confirm?token=` (the link in the confirmation mail): a page with a button that
    /// confirms. It changes nothing: link scanners and previews fetch every GET (and HEAD), and
    /// must not complete a double opt-in without the person.
    func confirmLink(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let token = request.uri.queryParameters.get("token").map { String($0) }
        let claims: TokenClaims
        switch verify(token, .confirm) {
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
        let page: Page = subscriber.status.isSticky ? .confirmAgain : .confirm
        return self.page(page, language: language, values: ["list": listName, "token": token ?? ""])
    }

    /// `POST /confirm` (form: `token`): the button of the confirmation page (completes the double
    /// opt-in), of the "subscribe again" page, and of the undo after an unsubscribe.
    func confirmButton(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        guard let body = await readBody(request) else {
            return errorPage(.contentTooLarge, language: language)
        }
        let token = FormFields(body)["token"]
        if case .success(let claims) = verify(token, .undo) {
            return try await undo(claims, language: language)
        }
        let claims: TokenClaims
        switch verify(token, .confirm) {
        case .success(let verified): claims = verified
        case .failure(let error): return try await linkInvalid(error.code == .expired, language)
        }
        guard let subscriber = try await database.fetchSubscriber(id: claims.subscriberID) else {
            return try await linkInvalid(true, language)
        }
        let resubscribing = subscriber.status.isSticky
        let outcome = try await database.confirm(
            subscriberID: claims.subscriberID, list: claims.listID,
            consent: consent(resubscribing ? "web-resubscribe" : "double-opt-in", request, context),
            tokenIssued: claims.issued)
        if outcome == .unknownSubscriber { return try await linkInvalid(true, language) }
        if outcome == .confirmed, !resubscribing, configuration.web.welcomeMail, let listID = claims.listID {
            try await queueWelcome(subscriber, listID: listID, language: language)
        }
        let listName = try await listName(claims.listID)
        return page(
            .confirmed, language: language, values: ["list": listName, "already": outcome == .alreadyActive])
    }

    /// Undoes the unsubscribe the token names, if it is still the latest thing that happened.
    private func undo(_ claims: TokenClaims, language: Language) async throws -> Response {
        let outcome = try await database.undoUnsubscribe(
            subscriberID: claims.subscriberID, list: claims.listID, unsubscribedAt: claims.issued, now: now())
        guard outcome == .restored else { return try await linkInvalid(outcome == .unknownSubscriber, language) }
        return page(.confirmed, language: language, values: ["list": try await listName(claims.listID)])
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
