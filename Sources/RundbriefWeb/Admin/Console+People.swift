import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// Subscribers and bounces in the console: search, a person's page, add, unsubscribe, forget (after a
/// confirmation page), CSV import by upload with its per-line results, export; recent bounces. Every
/// change is an operation of the application layer, which refuses editors; editors see the pages
/// without the forms they could not use.
extension Console {
    /// The largest upload the import form takes (the form's other fields included); other forms keep
    /// `maxFormBytes`.
    static let maxUploadBytes = 10 << 20

    func registerPeopleRoutes(on router: Router<WebRequestContext>) {
        let console = self
        router.get("/subscribers") { request, _ in try await console.subscribersPage(request) }
        router.post("/subscribers/add") { request, _ in try await console.addSubscriber(request) }
        router.post("/subscribers/import") { request, _ in try await console.importSubscribers(request) }
        router.post("/subscribers/export") { request, _ in try await console.exportSubscribers(request) }
        router.get("/subscribers/:id") { try await console.subscriberPage($0, id: $1.parameters.get("id") ?? "") }
        router.post("/subscribers/:id/unsubscribe") {
            try await console.unsubscribeSubscriber($0, id: $1.parameters.get("id") ?? "")
        }
        router.post("/subscribers/:id/edit") {
            try await console.editSubscriber($0, id: $1.parameters.get("id") ?? "")
        }
        router.get("/subscribers/:id/forget") {
            try await console.forgetPage($0, id: $1.parameters.get("id") ?? "")
        }
        router.post("/subscribers/:id/forget") {
            try await console.forgetSubscriber($0, id: $1.parameters.get("id") ?? "")
        }
        router.get("/bounces") { request, _ in try await console.bouncesPage(request) }
    }

    /// The signed-in person for a page, or the answer to give instead (sign-in, password change).
    private func reader(_ request: Request) async throws -> (SignedInRequest, RundbriefApp.Operations)? {
        guard let signedIn = try await signedIn(request), !signedIn.user.mustChangePassword else { return nil }
        return (signedIn, makeOperations(.person(email: signedIn.user.email), signedIn.user.role))
    }

    private func notSignedIn(_ request: Request) async throws -> Response {
        if let signedIn = try await signedIn(request), signedIn.user.mustChangePassword { return redirect("/password") }
        return redirect("/")
    }

    private func format(_ date: Date?) -> String {
        date.map { SendTime.format($0, timeZone: configuration.delivery.timezone) } ?? ""
    }

    // MARK: Search

    func subscribersPage(_ request: Request) async throws -> Response {
        guard let (signedIn, operations) = try await reader(request) else { return try await notSignedIn(request) }
        let language = language(request)
        let query = request.uri.queryParameters
        let text = query["q"].map(String.init) ?? ""
        let cursor = query["cursor"].map(String.init)
        let admin = signedIn.user.role == .admin
        do {
            let (found, lists) = try await blocking {
                (
                    try operations.searchSubscribers(query: text, cursor: cursor, limit: 50),
                    admin ? try operations.lists().map(\.list.slug) : []
                )
            }
            var values: [String: Any] = [
                "q": text, "has_items": !found.subscribers.isEmpty,
                "items": found.subscribers.map {
                    [
                        "id": $0.id ?? 0, "email": $0.email, "name": $0.name,
                        "status": Self.subscriberLabel($0.status.rawValue, language),
                    ] as [String: Any]
                },
                "lists": lists.map { ["slug": $0] }, "has_lists": !lists.isEmpty,
                "upload_limit": "10 MB",
            ]
            if let next = found.nextCursor {
                values["next"] = "/subscribers?" + Self.query(["q": text, "cursor": next])
            }
            if cursor != nil { values["first"] = "/subscribers?" + Self.query(["q": text]) }
            if query["done"] == "forgotten" { values["forgotten"] = true }
            return page(.subscribers, language: language, signedIn: signedIn, values: values)
        } catch let error as OperationError {
            return refusal(error, language: language, signedIn: signedIn)
        }
    }

    static func query(_ pairs: KeyValuePairs<String, String>) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return pairs.filter { !$0.value.isEmpty }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    // MARK: A person

    func subscriberPage(_ request: Request, id: String) async throws -> Response {
        guard let (signedIn, operations) = try await reader(request) else { return try await notSignedIn(request) }
        let language = language(request)
        guard Self.isID(id) else {
            return refusal(
                OperationError(.notFound, "no subscriber with that address"), language: language, signedIn: signedIn)
        }
        do {
            let profile = try await blocking { try operations.subscriberProfile(id) }
            let subscriber = profile.detail.subscriber
            let memberships = profile.detail.lists
            var values: [String: Any] = [
                "id": subscriber.id ?? 0, "email": subscriber.email,
                "name": subscriber.name.isEmpty ? "–" : subscriber.name,
                "status": Self.subscriberLabel(subscriber.status.rawValue, language),
                "created": format(subscriber.createdAt),
                "consent": Self.dash(
                    [subscriber.consentMethod ?? "", format(subscriber.consentAt)].filter { !$0.isEmpty }
                        .joined(separator: ", ")),
                "edit_name": subscriber.name,
                "edit_attributes": subscriber.attributes.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }
                    .joined(separator: "\n"),
                "has_attributes": !subscriber.attributes.isEmpty,
                "attributes": subscriber.attributes.sorted { $0.key < $1.key }.map {
                    ["key": $0.key, "value": $0.value]
                },
                "has_lists": !memberships.isEmpty,
                "lists": memberships.map {
                    [
                        "list": $0.list, "status": Self.membershipLabel($0.status.rawValue, language),
                        "since": format($0.since),
                    ]
                },
                "active_lists": memberships.filter { $0.status != .unsubscribed }.map { ["list": $0.list] },
                "can_unsubscribe": memberships.contains { $0.status != .unsubscribed },
                "has_events": !profile.detail.events.isEmpty,
                "events": profile.detail.events.reversed().map {
                    ["at": format($0.createdAt), "kind": $0.kind, "source": $0.source]
                },
                "has_deliveries": !profile.history.deliveries.isEmpty,
                "deliveries": profile.history.deliveries.map {
                    [
                        "send": $0.sendID, "edition": $0.edition, "status": $0.status.rawValue,
                        "at": format($0.sentAt ?? $0.updatedAt), "reply": String(($0.lastReply ?? "").prefix(200)),
                    ] as [String: Any]
                },
                "has_bounces": !profile.history.bounces.isEmpty,
                "bounces": profile.history.bounces.map {
                    [
                        "at": format($0.createdAt), "kind": Self.bounceLabel($0.kind.rawValue, language),
                        "status": $0.status ?? "", "diagnostic": String(($0.diagnostic ?? "").prefix(300)),
                    ]
                },
            ]
            if request.uri.queryParameters["done"] == "unsubscribed" { values["unsubscribed"] = true }
            if request.uri.queryParameters["done"] == "added" { values["added"] = true }
            if request.uri.queryParameters["done"] == "updated" { values["updated"] = true }
            return page(.subscriber, language: language, signedIn: signedIn, values: values)
        } catch let error as OperationError {
            return refusal(error, language: language, signedIn: signedIn)
        }
    }

    static func dash(_ text: String) -> String { text.isEmpty ? "–" : text }

    static func isID(_ text: String) -> Bool {
        (1...18).contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    static func membershipLabel(_ status: String, _ language: Language) -> String {
        guard language == .de else { return status }
        return ["active": "aktiv", "pending": "unbestätigt", "unsubscribed": "abgemeldet"][status] ?? status
    }

    // MARK: Changes

    /// `POST /subscribers/add`.
    func addSubscriber(_ request: Request) async throws -> Response {
        let language = language(request)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let signedIn, let form):
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            let email = form["email"] ?? ""
            let list = form["list"] ?? ""
            let name = form["name"] ?? ""
            let status = form["status"] == "pending" ? "pending" : "active"
            do {
                let subscriber = try await blocking {
                    try operations.addSubscriber(email, list: list, name: name, status: status)
                }
                return redirect("/subscribers/\(subscriber.id ?? 0)?done=added")
            } catch let error as OperationError {
                return refusal(error, language: language, signedIn: signedIn)
            }
        }
    }

    /// `POST /subscribers/:id/edit`: the name, and the attributes as `key = value` lines (they replace
    /// the attributes the subscriber had: a line taken out removes that attribute).
    func editSubscriber(_ request: Request, id: String) async throws -> Response {
        let language = language(request)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let signedIn, let form):
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            var attributes: [String: String] = [:]
            let lines = (form["attributes"] ?? "").split(omittingEmptySubsequences: false) {
                $0 == "\n" || $0 == "\r\n"
            }
            for (index, line) in lines.enumerated() {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                guard let equals = text.firstIndex(of: "=") else {
                    return errorPage(
                        .unprocessableContent, message: Self.attributeLineText(index + 1, language),
                        language: language, signedIn: signedIn)
                }
                let key = text[..<equals].trimmingCharacters(in: .whitespaces)
                attributes[key] = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            let given = attributes
            do {
                guard Self.isID(id) else { throw OperationError(.notFound, "no subscriber with that address") }
                _ = try await blocking { try operations.updateSubscriber(id, name: name, attributes: given) }
                return redirect("/subscribers/\(id)?done=updated")
            } catch let error as OperationError {
                return refusal(error, language: language, signedIn: signedIn)
            }
        }
    }

    static func attributeLineText(_ line: Int, _ language: Language) -> String {
        language == .de
            ? "Zeile \(line) der Merkmale hat kein „=“. Bitte schreiben Sie je Zeile schlüssel = wert."
            : "Line \(line) of the attributes has no '='. Please write one key = value per line."
    }

    /// `POST /subscribers/:id/unsubscribe`: from one list (`list`) or from every list.
    func unsubscribeSubscriber(_ request: Request, id: String) async throws -> Response {
        let language = language(request)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let signedIn, let form):
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            let list = form["list"].flatMap { $0.isEmpty || $0 == "*" ? nil : $0 }
            do {
                guard Self.isID(id) else { throw OperationError(.notFound, "no subscriber with that address") }
                _ = try await blocking {
                    try operations.unsubscribe(operations.subscriberAddress(id).value, list: list)
                }
                return redirect("/subscribers/\(id)?done=unsubscribed")
            } catch let error as OperationError {
                return refusal(error, language: language, signedIn: signedIn)
            }
        }
    }

    /// `GET /subscribers/:id/forget`: the confirmation step (changes nothing).
    func forgetPage(_ request: Request, id: String) async throws -> Response {
        guard let (signedIn, operations) = try await reader(request) else { return try await notSignedIn(request) }
        let language = language(request)
        do {
            guard Self.isID(id) else { throw OperationError(.notFound, "no subscriber with that address") }
            guard signedIn.user.role == .admin else {
                throw OperationError(.forbidden, "only admins may erase subscribers")
            }
            let address = try await blocking { try operations.subscriberAddress(id) }
            return page(
                .subscriberForget, language: language, signedIn: signedIn, values: ["id": id, "email": address.value])
        } catch let error as OperationError {
            return refusal(error, language: language, signedIn: signedIn)
        }
    }

    /// `POST /subscribers/:id/forget`: the erasure, after the confirmation page.
    func forgetSubscriber(_ request: Request, id: String) async throws -> Response {
        let language = language(request)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let signedIn, let form):
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            do {
                guard Self.isID(id) else { throw OperationError(.notFound, "no subscriber with that address") }
                guard form["confirm"] == "yes" else {
                    throw OperationError(.usage, "the erasure was not confirmed")
                }
                _ = try await blocking { try operations.forgetSubscriber(operations.subscriberAddress(id).value) }
                return redirect("/subscribers?done=forgotten")
            } catch let error as OperationError {
                return refusal(error, language: language, signedIn: signedIn)
            }
        }
    }

    /// `POST /subscribers/export`: the CSV as a download (a POST: an export is audited).
    func exportSubscribers(_ request: Request) async throws -> Response {
        let language = language(request)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let signedIn, let form):
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            let list = form["list"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                let csv = try await blocking {
                    var bytes: [UInt8] = []
                    try operations.exportSubscribers(list: list, status: nil, format: .csv) {
                        bytes.append(contentsOf: $0.utf8)
                    }
                    return bytes
                }
                var fields = headers(["text/csv; charset=utf-8"])
                fields[.contentDisposition] = "attachment; filename=\"subscribers\(list.map { "-" + $0 } ?? "").csv\""
                return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: csv)))
            } catch let error as OperationError {
                return refusal(error, language: language, signedIn: signedIn)
            }
        }
    }

    /// `POST /subscribers/import`: a `multipart/form-data` upload (the only console form allowed
    /// more than `maxFormBytes`: up to `maxUploadBytes`), answered with the per-line results.
    func importSubscribers(_ request: Request) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        let tooLarge = errorPage(
            .contentTooLarge, message: Self.peopleText(.uploadTooLarge, language), language: language,
            signedIn: signedIn)
        let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
        // Whoever may not import is refused before 10 MB are read and parsed.
        do {
            try operations.checkMayImportSubscribers()
        } catch {
            return refusal(error, language: language, signedIn: signedIn)
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxUploadBytes {
            return tooLarge
        }
        guard let buffer = try? await request.body.collect(upTo: Self.maxUploadBytes) else { return tooLarge }
        let contentType = request.headers[.contentType]
        // Parsing up to 10 MB is blocking work: off the concurrency pool.
        let parsed = try await blocking { () -> Result<MultipartForm, MultipartForm.Malformed> in
            guard let boundary = MultipartForm.boundary(contentType: contentType) else { return .failure(.noBoundary) }
            return Result { () throws(MultipartForm.Malformed) in
                try MultipartForm(parsing: Array(buffer.readableBytesView), boundary: boundary)
            }
        }
        // A body cut off or garbled on its way is said to be so (the token is inside it, unread).
        guard case .success(let form) = parsed else {
            return errorPage(
                .badRequest, message: Self.peopleText(.uploadMalformed, language), language: language,
                signedIn: signedIn)
        }
        guard RundbriefApp.Operations.csrfMatches(form["csrf"], session: signedIn.session) else {
            return errorPage(
                .forbidden, message: Self.text(.formExpired, language), language: language, signedIn: signedIn)
        }
        guard let file = form.part("file"), !file.body.isEmpty else {
            return errorPage(
                .unprocessableContent, message: Self.peopleText(.noFile, language), language: language,
                signedIn: signedIn)
        }
        let list = form["list"] ?? ""
        let status = form["status"] == "pending" ? "pending" : "active"
        let name = file.filename ?? "upload.csv"
        do {
            let report = try await blocking {
                try operations.importSubscribers(csv: file.body, list: list, status: status, sourceName: name)
            }
            let summary = report.summary
            let values: [String: Any] = [
                "list": list, "file": name, "imported": summary.imported, "updated": summary.updated,
                "unchanged": summary.unchanged, "skipped": summary.skipped, "rejected": summary.rejected,
                "every_line": report.everyLine,
                "lines": report.lines.map {
                    [
                        "line": $0.line, "address": $0.address ?? "", "problem": $0.reason != nil,
                        "outcome": Self.outcomeLabel($0.outcome, language),
                        "reason": language == .de
                            ? Self.translated(OperationError(.invalid, $0.german ?? ""), language) : $0.reason ?? "",
                    ] as [String: Any]
                },
            ]
            return page(.subscriberImport, language: language, signedIn: signedIn, values: values)
        } catch let error as OperationError {
            return refusal(error, language: language, signedIn: signedIn)
        }
    }

    static func outcomeLabel(_ outcome: String, _ language: Language) -> String {
        guard language == .de else { return outcome }
        return [
            "imported": "aufgenommen", "updated": "aktualisiert", "unchanged": "unverändert", "skipped": "übersprungen",
            "rejected": "abgelehnt",
        ][outcome] ?? outcome
    }

    // MARK: Bounces

    /// `GET /bounces`: bounces and complaints, newest first, with the address. Editors see the
    /// address too: they may read subscribers anyway, and the address is what tells them who it was.
    func bouncesPage(_ request: Request) async throws -> Response {
        guard let (signedIn, operations) = try await reader(request) else { return try await notSignedIn(request) }
        let language = language(request)
        let query = request.uri.queryParameters
        let kind = query["kind"].flatMap { $0.isEmpty ? nil : String($0) }
        let cursor = query["cursor"].map(String.init)
        do {
            let found = try await blocking {
                try operations.bounces(kind: kind, sendID: nil, cursor: cursor, limit: 50)
            }
            var values: [String: Any] = [
                "has_items": !found.bounces.isEmpty,
                "items": found.bounces.map { entry -> [String: Any] in
                    let bounce = entry.bounce
                    return [
                        "at": format(bounce.createdAt), "kind": Self.bounceLabel(bounce.kind.rawValue, language),
                        "email": entry.email ?? "", "subscriber": bounce.subscriberID.map { "\($0)" } ?? "",
                        "has_subscriber": entry.email != nil && bounce.subscriberID != nil,
                        "send": entry.sendID.map { "\($0)" } ?? "", "status": bounce.status ?? "",
                        "diagnostic": String((bounce.diagnostic ?? "").prefix(300)), "verified": bounce.verified,
                    ]
                },
                "kinds": BounceRecord.Kind.allCases.map {
                    [
                        "value": $0.rawValue, "label": Self.bounceLabel($0.rawValue, language),
                        "selected": $0.rawValue == kind,
                    ]
                },
            ]
            if let next = found.nextCursor {
                values["next"] = "/bounces?" + Self.query(["kind": kind ?? "", "cursor": next])
            }
            return page(.bounces, language: language, signedIn: signedIn, values: values)
        } catch let error as OperationError {
            return refusal(error, language: language, signedIn: signedIn)
        }
    }

    // MARK: Words

    enum PeopleText { case uploadTooLarge, uploadMalformed, noFile }

    static func peopleText(_ text: PeopleText, _ language: Language) -> String {
        switch (text, language) {
        case (.uploadTooLarge, .de):
            "Die Datei ist zu groß: Eine CSV-Datei darf höchstens 10 MB haben. Bitte teilen Sie sie auf."
        case (.uploadTooLarge, .en): "The file is too large: a CSV file may have at most 10 MB. Please split it."
        case (.uploadMalformed, .de):
            "Die hochgeladene Datei ist nicht vollständig angekommen. Bitte laden Sie sie noch einmal hoch."
        case (.uploadMalformed, .en): "The uploaded file did not arrive complete. Please upload it again."
        case (.noFile, .de): "Bitte wählen Sie eine CSV-Datei aus."
        case (.noFile, .en): "Please choose a CSV file."
        }
    }

    /// The German words for the subscriber operations' refusals (merged into `german`).
    static let peopleGerman: [String: String] = [
        "only admins may add subscribers": "Nur Administratorinnen und Administratoren dürfen Abonnenten hinzufügen.",
        "only admins may unsubscribe subscribers":
            "Nur Administratorinnen und Administratoren dürfen Abonnenten abmelden.",
        "only admins may erase subscribers": "Nur Administratorinnen und Administratoren dürfen Abonnenten löschen.",
        "only admins may import subscribers":
            "Nur Administratorinnen und Administratoren dürfen Abonnenten importieren.",
        "only admins may export subscribers":
            "Nur Administratorinnen und Administratoren dürfen Abonnenten exportieren.",
        "only admins may change subscribers": "Nur Administratorinnen und Administratoren dürfen Abonnenten ändern.",
        "no subscriber with that address": "Unter dieser Adresse ist niemand eingetragen.",
        "the erasure was not confirmed": "Das Löschen wurde nicht bestätigt.",
        "this address was erased or blocked and cannot be added again":
            "Diese Adresse wurde gelöscht oder gesperrt und kann nicht wieder eingetragen werden.",
        "the cursor is not one this server gave out": "Dieser Seitenverweis ist ungültig.",
        "the file is empty: expected a header row with an email column":
            "Die Datei ist leer: Erwartet wird eine Kopfzeile mit einer Spalte für die E-Mail-Adresse.",
        "the name must be one line of at most 200 characters":
            "Der Name muss aus einer Zeile mit höchstens 200 Zeichen bestehen.",
    ]

    /// German for the subscriber operations' refusals that name a value.
    static func germanPeople(_ message: String) -> String? {
        if message.hasPrefix("no email column in the header row (found "),
            message.hasSuffix("); name one column 'email'")
        {
            let found = message.dropFirst("no email column in the header row (found ".count)
                .dropLast("); name one column 'email'".count)
            return "Die Kopfzeile hat keine Spalte für die E-Mail-Adresse (gefunden: \(found)). "
                + "Bitte nennen Sie eine Spalte „email“ oder „E-Mail-Adresse“."
        }
        let prefix = "the attribute '"
        let suffix = "' is not a short key with a value"
        guard message.hasPrefix(prefix), message.hasSuffix(suffix) else { return nil }
        let key = message.dropFirst(prefix.count).dropLast(suffix.count)
        return "Das Merkmal „\(key)“ ist kein kurzer Schlüssel (höchstens 64 Zeichen, ohne „=“) mit einem Wert."
    }
}
