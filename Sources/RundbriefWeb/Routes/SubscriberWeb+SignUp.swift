import Foundation
import Hummingbird
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// `GET /subscribe[?list=slug]`: the form for one list, or a chooser of all lists.
    func subscribeForm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let lists = try await database.allLists()
        var values: [String: any Sendable] = [:]
        if let slug = request.uri.queryParameters.get("list") {
            guard let list = lists.first(where: { $0.slug == slug }) else {
                return errorPage(.notFound, language: language)
            }
            values = formValues([list], chosen: list.slug)
        } else {
            guard !lists.isEmpty else { return errorPage(.notFound, language: language) }
            values = formValues(lists, chosen: nil)
        }
        return page(.subscribe, language: language, values: values)
    }

    /// `POST /subscribe` (form or JSON: `email`, `name`, `list`): records a pending sign-up and
    /// queues the confirmation mail. The answer is the same whether the address was new, known,
    /// active, unsubscribed or erased, so the form cannot be used to probe for subscribers.
    func signUp(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let wantsJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        let answer = SignUpAnswer(web: self, language: language, json: wantsJSON)
        guard let body = await readBody(request) else { return answer.failure(.contentTooLarge) }
        guard let fields = wantsJSON ? Self.jsonFields(body) : FormFields(body) else {
            return answer.failure(.badRequest)
        }
        let now = self.now()
        guard limits.admitRequest(from: clientAddress(request, context), now: now) else {
            return answer.failure(.tooManyRequests)
        }
        // The honeypot field is hidden from people; a bot that fills it gets the usual answer.
        if let trap = fields["website"], !trap.isEmpty { return answer.success() }
        let lists = try await database.allLists()
        let slug = fields["list"] ?? (lists.count == 1 ? lists[0].slug : nil)
        guard let list = lists.first(where: { $0.slug == slug }) else {
            return answer.invalid(formValues(lists, chosen: nil, fields: fields, errors: ["list"]))
        }
        let address = try? EmailAddress(fields["email"] ?? "")
        let name = NameField.validated(fields["name"] ?? "")
        guard let address, let name else {
            let errors = (address == nil ? ["email"] : []) + (name == nil ? ["name"] : [])
            return answer.invalid(formValues(lists, chosen: list.slug, fields: fields, errors: errors))
        }
        let outcome = try await database.signUp(
            address, name: name, list: list.slug, detail: ["language": language.rawValue], now: now)
        if case .awaitingConfirmation(let subscriberID, let listID) = outcome,
            limits.admitMail(to: address, now: now)
        {
            queueConfirmation(
                to: address, name: name, list: list, subscriberID: subscriberID, listID: listID,
                language: language, now: now)
        }
        return answer.success()
    }

    private func queueConfirmation(
        to address: EmailAddress, name: String, list: MailingList, subscriberID: Int64, listID: Int64,
        language: Language, now: Date
    ) {
        let token = signer.sign(
            TokenClaims(purpose: .confirm, subscriberID: subscriberID, listID: listID, issued: now))
        let mail = mails.render(
            .confirm, language: language,
            values: mailValues(name: name, list: list).merging([
                "link": link("/confirm", token: token),
                "hours": String(configuration.tokens.confirmTTLHours),
            ]) { $1 })
        enqueue(mail, to: address.value, kind: "confirm", subscriberID: subscriberID, now: now)
    }

    func mailValues(name: String, list: MailingList) -> [String: String] {
        [
            "name": name, "list": list.name, "sender": configuration.sender.name,
            "postalAddress": configuration.sender.postalAddress, "website": configuration.sender.website,
        ]
    }

    func enqueue(
        _ mail: (subject: String, body: String), to recipient: String, kind: String,
        subscriberID: Int64, now: Date
    ) {
        let sender = configuration.sender.address
        let message = TransactionalMessage(
            fromName: configuration.sender.name, fromAddress: sender, to: recipient,
            subject: mail.subject, body: mail.body, date: now,
            messageIDDomain: sender.split(separator: "@").last.map(String.init) ?? "localhost")
        outbox.enqueue(
            OutboxMessage(
                envelopeFrom: sender, recipient: recipient, data: message.bytes(), kind: kind,
                subscriberID: subscriberID))
    }

    /// The sign-up form's values: the lists to choose from, what was typed, which fields are wrong.
    func formValues(
        _ lists: [MailingList], chosen: String?, fields: FormFields? = nil, errors: [String] = []
    ) -> [String: any Sendable] {
        let options: [[String: any Sendable]] = lists.map { list in
            [
                "slug": list.slug, "name": list.name, "description": list.description,
                "selected": list.slug == chosen,
            ]
        }
        var values: [String: any Sendable] = [
            "lists": options, "single": lists.count == 1 ? options[0] : nil,
            // A refused name is not echoed back: the person retypes it.
            "email": fields?["email"] ?? "", "name": errors.contains("name") ? "" : fields?["name"] ?? "",
            "hasErrors": !errors.isEmpty,
        ]
        for error in errors { values["error_\(error)"] = true }
        return values
    }

    /// The string fields of a JSON object; `nil` when the body is not one.
    static func jsonFields(_ body: String) -> FormFields? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
            let dictionary = object as? [String: Any]
        else { return nil }
        return FormFields(dictionary: dictionary.compactMapValues { $0 as? String })
    }
}
