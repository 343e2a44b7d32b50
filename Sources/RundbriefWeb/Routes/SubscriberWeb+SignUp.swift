import Foundation
import Hummingbird
import Logging
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// `GET /subscribe[?list=slug]`: the form, with a choice of every public list (`list` ticks one
    /// beforehand); with a single public list, that list's form. Private lists are never offered,
    /// and naming one answers as an unknown list does.
    func subscribeForm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let lists = try await database.publicLists()
        guard !lists.isEmpty else { return errorPage(.notFound, language: language) }
        var chosen: [String] = []
        if let slug = request.uri.queryParameters.get("list").map({ String($0) }) {
            guard lists.contains(where: { $0.slug == slug }) else { return errorPage(.notFound, language: language) }
            chosen = [slug]
        }
        return page(.subscribe, language: language, values: formValues(lists, chosen: chosen))
    }

    /// `POST /subscribe` (form or JSON: `email`, `name`, `list` — given once per list, or in JSON a
    /// string or an array): checks the request, then hands
    /// the sign-up to the `SignUpQueue` and answers at once. The answer is the same whether the
    /// address is new, known, active, unsubscribed or erased, and it is sent before anything about
    /// the address has been looked up, so neither its content nor its timing can be used to probe
    /// for subscribers. A full queue answers 503 with Retry-After (again whatever the address).
    ///
    /// Only valid sign-ups count towards the client's hourly limit: malformed or empty requests
    /// cost nothing and cannot fill the limiter's table.
    func signUp(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let wantsJSON = request.headers[.contentType]?.lowercased().hasPrefix("application/json") ?? false
        let answer = SignUpAnswer(web: self, language: language, json: wantsJSON)
        guard let body = await readBody(request) else { return answer.failure(.contentTooLarge) }
        guard let fields = wantsJSON ? Self.jsonFields(body) : FormFields(body) else {
            return answer.failure(.badRequest)
        }
        let now = self.now()
        let client = clientAddress(request, context)
        guard limits.allowsRequest(from: client, now: now) else {
            return answer.failure(.tooManyRequests)
        }
        // The honeypot field is hidden from people; a bot that fills it gets the usual answer.
        if let trap = fields["website"], !trap.isEmpty { return answer.success() }
        let lists = try await database.publicLists()
        var slugs: [String] = []
        for slug in fields.all("list") where !slug.isEmpty && !slugs.contains(slug) { slugs.append(slug) }
        if slugs.isEmpty, lists.count == 1 { slugs = [lists[0].slug] }
        // An unknown and a private list get the same answer, so private slugs cannot be probed.
        let chosen = slugs.compactMap { slug in lists.first { $0.slug == slug } }
        guard !chosen.isEmpty, chosen.count == slugs.count else {
            return answer.invalid(formValues(lists, chosen: chosen.map(\.slug), fields: fields, errors: ["list"]))
        }
        let address = try? EmailAddress(fields["email"] ?? "")
        let name = NameField.validated(fields["name"] ?? "")
        guard let address, let name else {
            let errors = (address == nil ? ["email"] : []) + (name == nil ? ["name"] : [])
            return answer.invalid(formValues(lists, chosen: slugs, fields: fields, errors: errors))
        }
        let web = self
        let queued = signUps.enqueue {
            await web.signUpProbe()
            await web.recordSignUp(address, name: name, lists: chosen, language: language, now: now)
        }
        guard queued else { return answer.failure(.serviceUnavailable) }
        limits.countRequest(from: client, now: now)
        return answer.success()
    }

    /// The sign-up's work that depends on the address, done by the `SignUpQueue` after the answer:
    /// records it and, unless the address is erased or blocked or its mailbox has had its share of
    /// mails, queues one confirmation mail whose link confirms every list of the sign-up. Errors are
    /// logged with the address masked.
    func recordSignUp(
        _ address: EmailAddress, name: String, lists: [MailingList], language: Language, now: Date
    ) async {
        let outcome: SignUpOutcome
        let slugs = lists.map(\.slug).joined(separator: ",")
        do {
            outcome = try await database.signUp(
                address, name: name, lists: lists.map(\.slug), detail: ["language": language.rawValue], now: now)
        } catch {
            logger.error(
                "sign-up not recorded: \(error)",
                metadata: ["subscriber.email": "\(LogRedaction.address(address.value))", "list": "\(slugs)"])
            return
        }
        guard case .awaitingConfirmation(let subscriberID, let listIDs) = outcome, let first = listIDs.first,
            limits.admitMail(to: address, now: now)
        else { return }
        let token = signer.sign(
            TokenClaims(
                purpose: .confirm, subscriberID: subscriberID, listID: first, moreListIDs: Array(listIDs.dropFirst()),
                issued: now))
        // The name is left out: a stranger's text must not travel in an official mail.
        let mail = mails.render(
            .confirm, language: language,
            values: mailValues(name: "", lists: lists, language: language).merging([
                "link": link("/confirm", token: token),
                "hours": String(configuration.tokens.confirmTTLHours),
            ]) { $1 })
        enqueue(mail, to: address.value, kind: "confirm", subscriberID: subscriberID, now: now)
    }

    /// The values every transactional mail may use. `list` is the list's name (several joined by
    /// commas); `lists` names them all in quotes, as a sentence of `language` says it.
    func mailValues(name: String, lists: [MailingList], language: Language) -> [String: String] {
        [
            "name": name, "list": lists.map(\.name).joined(separator: ", "),
            "lists": language.quotedList(lists.map(\.name)), "sender": configuration.sender.name,
            "postalAddress": configuration.sender.postalAddress, "website": configuration.sender.website,
        ]
    }

    func enqueue(
        _ mail: (subject: String, body: String), to recipient: String, kind: String,
        subscriberID: Int64, now: Date
    ) {
        if let message = outboxMessage(mail, to: recipient, kind: kind, subscriberID: subscriberID, now: now) {
            outbox.enqueue(message)
        }
    }

    /// The finished message (Core's MIME writer), or `nil` (logged) when it cannot be built.
    func outboxMessage(
        _ mail: (subject: String, body: String), to recipient: String, kind: String,
        subscriberID: Int64, now: Date
    ) -> OutboxMessage? {
        let sender = configuration.sender.address
        let domain = sender.split(separator: "@").last.map(String.init) ?? "localhost"
        let data: [UInt8]
        do {
            // Core's MIME writer: RFC 2047 subject, quoted-printable body, Auto-Submitted, a unique Message-ID.
            let message = RundbriefCore.TransactionalMessage(
                from: try Mailbox(address: sender, displayName: configuration.sender.name),
                to: try Mailbox(address: recipient),
                replyTo: configuration.sender.replyTo.isEmpty
                    ? nil : try Mailbox(address: configuration.sender.replyTo),
                subject: mail.subject, text: mail.body, html: nil,
                messageID: try MessageID("\(kind).\(UUID().uuidString.lowercased())@\(domain)"), date: now,
                extraHeaders: [])
            data = try message.encoded(signer: nil)
        } catch {
            logger.error("cannot build the \(kind) mail: \(error)", metadata: ["subscriber.id": "\(subscriberID)"])
            return nil
        }
        return OutboxMessage(
            envelopeFrom: sender, recipient: recipient, data: data, kind: kind, subscriberID: subscriberID)
    }

    /// The sign-up form's values: the lists to choose from (ticked: `chosen`), what was typed, which
    /// fields are wrong. `single` is set only when there is one list: a key present with no value
    /// would still open the template's `{{#single}}` section.
    func formValues(
        _ lists: [MailingList], chosen: [String], fields: FormFields? = nil, errors: [String] = []
    ) -> [String: any Sendable] {
        let options: [[String: any Sendable]] = lists.map { list in
            [
                "slug": list.slug, "name": list.name, "description": list.description,
                "selected": chosen.contains(list.slug),
            ]
        }
        var values: [String: any Sendable] = [
            "lists": options,
            // A refused name is not echoed back: the person retypes it.
            "email": fields?["email"] ?? "", "name": errors.contains("name") ? "" : fields?["name"] ?? "",
            "hasErrors": !errors.isEmpty,
        ]
        if options.count == 1 { values["single"] = options[0] }
        for error in errors { values["error_\(error)"] = true }
        return values
    }

    /// The string fields of a JSON object (a field may also be an array of strings, as `list` for
    /// several lists); `nil` when the body is not one.
    static func jsonFields(_ body: String) -> FormFields? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
            let dictionary = object as? [String: Any]
        else { return nil }
        return FormFields(
            dictionary: dictionary.compactMapValues { value in
                if let text = value as? String { return [text] }
                if let texts = value as? [Any] { return texts.compactMap { $0 as? String } }
                return nil
            })
    }
}
