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
        let names = try await listNames(claims.listIDs, language)
        if try await database.isActive(subscriberID: claims.subscriberID, lists: claims.listIDs) {
            return page(.confirmed, language: language, values: names.merging(["already": true]) { $1 })
        }
        let page: Page = subscriber.status.isSticky ? .confirmAgain : .confirm
        return self.page(page, language: language, values: names.merging(["token": token ?? ""]) { $1 })
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
            subscriberID: claims.subscriberID, lists: claims.listIDs,
            consent: consent(resubscribing ? "web-resubscribe" : "double-opt-in", request, context),
            tokenIssued: claims.issued)
        if outcome == .unknownSubscriber { return try await linkInvalid(true, language) }
        if outcome == .confirmed, !resubscribing, configuration.web.welcomeMail, !claims.listIDs.isEmpty {
            try await queueWelcome(subscriber, listIDs: claims.listIDs, language: language)
        }
        let names = try await listNames(claims.listIDs, language)
        return page(
            .confirmed, language: language,
            values: names.merging(["already": outcome == .alreadyActive]) { $1 })
    }

    /// Undoes the unsubscribe the token names, if it is still the latest thing that happened.
    private func undo(_ claims: TokenClaims, language: Language) async throws -> Response {
        let outcome = try await database.undoUnsubscribe(
            subscriberID: claims.subscriberID, list: claims.listID, unsubscribedAt: claims.issued, now: now())
        guard outcome == .restored else { return try await linkInvalid(outcome == .unknownSubscriber, language) }
        return page(
            .confirmed, language: language, values: try await listNames(claims.listID.map { [$0] } ?? [], language))
    }

    /// The page for a confirmation link that cannot be used, with the sign-up form to ask again.
    /// Expired links (and links of since-erased subscribers) answer 410 Gone, others 400.
    private func linkInvalid(_ expired: Bool, _ language: Language) async throws -> Response {
        var values = formValues(try await database.publicLists(), chosen: [])
        values["expired"] = expired
        return page(.linkInvalid, status: expired ? .gone : .badRequest, language: language, values: values)
    }

    func listName(_ listID: Int64?) async throws -> String? {
        guard let listID else { return nil }
        return try await database.list(id: listID)?.name
    }

    /// A page's names of the lists a link is about: `list` (names joined by commas) and `lists`
    /// (quoted, as a sentence of `language` joins them); neither when the link names no list.
    func listNames(_ listIDs: [Int64], _ language: Language) async throws -> [String: any Sendable] {
        var names: [String] = []
        for listID in listIDs {
            if let name = try await database.list(id: listID)?.name { names.append(name) }
        }
        guard !names.isEmpty else { return [:] }
        return ["list": names.joined(separator: ", "), "lists": language.quotedList(names)]
    }

    func consent(_ method: String, _ request: Request, _ context: WebRequestContext) -> Consent {
        Consent(
            method: method, ip: clientAddress(request, context), userAgent: userAgent(request), at: now())
    }

    /// One welcome mail for the lists just confirmed, with an unsubscribe link for each.
    private func queueWelcome(_ subscriber: Subscriber, listIDs: [Int64], language: Language)
        async throws
    {
        var lists: [MailingList] = []
        for listID in listIDs {
            if let list = try await database.list(id: listID) { lists.append(list) }
        }
        guard !lists.isEmpty, let subscriberID = subscriber.id else { return }
        let now = self.now()
        let links = lists.map { list in
            UnsubscribeLinks.https(
                baseURL: baseURL,
                token: signer.sign(
                    TokenClaims(purpose: .unsubscribe, subscriberID: subscriberID, listID: list.id, issued: now)))
        }
        var values = mailValues(name: subscriber.name, lists: lists, language: language)
        values["unsubscribeLink"] = links[0]
        if lists.count > 1 {
            values["unsubscribeLinks"] = zip(lists, links).map { "\(language.quotedList([$0.name])): \($1)" }
                .joined(separator: "\n")
        }
        let mail = mails.render(.welcome, language: language, values: values)
        enqueue(mail, to: subscriber.email, kind: "welcome", subscriberID: subscriberID, now: now)
    }
}
