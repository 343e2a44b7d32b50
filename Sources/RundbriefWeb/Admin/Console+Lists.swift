import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RundbriefApp
import RundbriefStore

/// Lists and their segments in the console: `/lists` (create, counts), `/lists/SLUG` (edit,
/// public/private, its segments, a new segment), `/segments/SLUG` (edit, remove) and
/// `POST /segments/count` (the live count `segment.js` asks for while someone types a filter). Admins
/// change lists, editors may manage segments: the operations decide.
extension Console {
    func registerListRoutes(on router: Router<WebRequestContext>) {
        let console = self
        router.get("/lists") { request, _ in try await console.listsPage(request) }
        router.post("/lists") { request, _ in try await console.createList(request) }
        router.get("/lists/:slug") { request, context in
            try await console.listPage(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/lists/:slug") { request, context in
            try await console.updateList(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/lists/:slug/segments") { request, context in
            try await console.createSegment(request, list: context.parameters.get("slug") ?? "")
        }
        router.post("/segments/count") { request, _ in try await console.countSegment(request) }
        router.get("/segments/:slug") { request, context in
            try await console.segmentPage(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/segments/:slug") { request, context in
            try await console.updateSegment(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/segments/:slug/remove") { request, context in
            try await console.removeSegment(request, slug: context.parameters.get("slug") ?? "")
        }
    }

    // MARK: - Lists

    /// `GET /lists`.
    func listsPage(_ request: Request) async throws -> Response {
        switch try await pageAccess(request) {
        case .answer(let response): return response
        case .person(let signedIn): return try await listsPage(signedIn, language: language(request))
        }
    }

    func listsPage(
        _ signedIn: SignedInRequest, status: HTTPResponse.Status = .ok, language: Language,
        form: [String: Any] = ["public": true], message: String? = nil
    ) async throws -> Response {
        let lists = try await acting(signedIn) { try $0.lists() }
        switch lists {
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        case .success(let lists):
            var values: [String: Any] = [
                "lists": lists.map(Self.listValues), "has_lists": !lists.isEmpty, "form": form,
            ]
            if let message { values["message"] = message }
            return page(.lists, status: status, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /lists`: a new list (admins).
    func createList(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let slug = (form["slug"] ?? "").trimmingCharacters(in: .whitespaces)
        let name = form["name"] ?? ""
        let description = form["description"] ?? ""
        let isPublic = form["public"] == "on"
        let result = try await acting(signedIn) {
            try $0.createList(slug: slug, name: name, description: description, isPublic: isPublic)
        }
        switch result {
        case .success(let list): return redirect("/lists/\(list.slug)")
        case .failure(let error):
            if error.kind == .forbidden { return refusal(error, language: language, signedIn: signedIn) }
            return try await listsPage(
                signedIn, status: Self.status(error.kind), language: language,
                form: ["slug": slug, "name": name, "description": description, "public": isPublic],
                message: Self.explained(error, language))
        }
    }

    /// `GET /lists/SLUG`: the list, its segments and the form for a new one.
    func listPage(_ request: Request, slug: String) async throws -> Response {
        switch try await pageAccess(request) {
        case .answer(let response): return response
        case .person(let signedIn): return try await listPage(signedIn, slug: slug, language: language(request))
        }
    }

    /// What the list's page shows besides the list: the edit form's state and the new segment's.
    struct ListPageState {
        var edit: [String: Any]?
        var editMessage: String?
        var saved = false
        var segment: SegmentForm = SegmentForm()
    }

    func listPage(
        _ signedIn: SignedInRequest, slug: String, status: HTTPResponse.Status = .ok, language: Language,
        state: ListPageState = ListPageState()
    ) async throws -> Response {
        let found = try await acting(signedIn) { operations in
            (try operations.list(slug: slug), try operations.segments(list: slug))
        }
        switch found {
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        case .success(let (summary, segments)):
            var values: [String: Any] = [
                "list": Self.listValues(summary),
                "edit": state.edit ?? [
                    "name": summary.list.name, "description": summary.list.description,
                    "public": summary.list.isPublic,
                ],
                "saved": state.saved,
                "segments": segments.map {
                    ["slug": $0.segment.slug, "name": $0.segment.name, "where": $0.segment.expression]
                },
                "has_segments": !segments.isEmpty,
                "segment": state.segment.values(language: language),
                "scripts": ["segment.js"],
            ]
            if let message = state.editMessage { values["edit_message"] = message }
            return page(.list, status: status, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /lists/SLUG`: name, description, public/private (admins).
    func updateList(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let name = form["name"] ?? ""
        let description = form["description"] ?? ""
        let isPublic = form["public"] == "on"
        let result = try await acting(signedIn) {
            try $0.updateList(slug: slug, name: name, description: description, isPublic: isPublic)
        }
        switch result {
        case .success:
            return try await listPage(
                signedIn, slug: slug, language: language, state: ListPageState(saved: true))
        case .failure(let error):
            if error.kind == .forbidden || error.kind == .notFound {
                return refusal(error, language: language, signedIn: signedIn)
            }
            return try await listPage(
                signedIn, slug: slug, status: Self.status(error.kind), language: language,
                state: ListPageState(
                    edit: ["name": name, "description": description, "public": isPublic],
                    editMessage: Self.explained(error, language)))
        }
    }

    static func listValues(_ summary: ListSummary) -> [String: Any] {
        [
            "slug": summary.list.slug, "name": summary.list.name, "description": summary.list.description,
            "public": summary.list.isPublic, "active": summary.active, "pending": summary.pending,
            "unsubscribed": summary.unsubscribed,
        ]
    }

    // MARK: - Segments

    /// A segment form's fields and what counting or saving it found.
    struct SegmentForm {
        var slug = ""
        var name = ""
        var filter = ""
        var count: Int?
        var warnings: [String] = []
        /// The parser's message (with its column), shown at the filter field.
        var filterError: String?
        /// Any other refusal (a taken slug, an empty name).
        var message: String?

        func values(language: Language) -> [String: Any] {
            var values: [String: Any] = [
                "slug": slug, "name": name, "where": filter,
                "warnings": warnings.map { Console.explained($0, language) },
            ]
            if let count {
                values["count"] = count
                values["count_text"] = Console.countText(count, language)
            }
            if let filterError { values["where_error"] = filterError }
            if let message { values["message"] = message }
            return values
        }
    }

    static func countText(_ count: Int, _ language: Language) -> String {
        switch language {
        case .de: count == 1 ? "1 aktives Mitglied passt jetzt." : "\(count) aktive Mitglieder passen jetzt."
        case .en: count == 1 ? "1 active member matches now." : "\(count) active members match now."
        }
    }

    /// Puts a refusal where the form shows it: a filter's syntax error at the field, the rest above.
    static func place(_ error: OperationError, in form: inout SegmentForm, language: Language) {
        if error.kind == .invalid, error.message.hasPrefix("invalid filter at ") {
            form.filterError = explained(error, language)
        } else {
            form.message = explained(error, language)
        }
    }

    /// `POST /lists/SLUG/segments`: "Zählen" counts the filter, "Speichern" stores the segment.
    func createSegment(_ request: Request, list: String) async throws -> Response {
        let language = language(request)
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response): return response
        }
        var form = SegmentForm(
            slug: (fields["slug"] ?? "").trimmingCharacters(in: .whitespaces), name: fields["name"] ?? "",
            filter: fields["where"] ?? "")
        let name = form.name.trimmingCharacters(in: .whitespaces)
        let (slug, filter) = (form.slug, form.filter)
        if fields["action"] == "count" {
            switch try await acting(signedIn, { try $0.countMembers(list: list, matching: filter) }) {
            case .success(let preview): (form.count, form.warnings) = (preview.count, preview.warnings)
            case .failure(let error): Self.place(error, in: &form, language: language)
            }
            let status: HTTPResponse.Status =
                form.filterError == nil && form.message == nil ? .ok : .unprocessableContent
            return try await listPage(
                signedIn, slug: list, status: status, language: language, state: ListPageState(segment: form))
        }
        let result = try await acting(signedIn) {
            try $0.createSegment(slug: slug, list: list, expression: filter, name: name.isEmpty ? nil : name)
        }
        switch result {
        case .success(let detail): return redirect("/segments/\(detail.summary.segment.slug)")
        case .failure(let error):
            if error.kind == .forbidden { return refusal(error, language: language, signedIn: signedIn) }
            Self.place(error, in: &form, language: language)
            return try await listPage(
                signedIn, slug: list, status: Self.status(error.kind), language: language,
                state: ListPageState(segment: form))
        }
    }

    /// `GET /segments/SLUG`: the segment with its count now.
    func segmentPage(_ request: Request, slug: String) async throws -> Response {
        switch try await pageAccess(request) {
        case .answer(let response): return response
        case .person(let signedIn): return try await segmentPage(signedIn, slug: slug, language: language(request))
        }
    }

    func segmentPage(
        _ signedIn: SignedInRequest, slug: String, status: HTTPResponse.Status = .ok, language: Language,
        form: SegmentForm? = nil, saved: Bool = false
    ) async throws -> Response {
        switch try await acting(signedIn, { try $0.segment(slug: slug) }) {
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        case .success(let detail):
            let segment = detail.summary.segment
            let shownForm =
                form
                ?? SegmentForm(
                    slug: segment.slug, name: segment.name, filter: segment.expression, count: detail.count,
                    warnings: detail.warnings)
            let values: [String: Any] = [
                "segment": [
                    "slug": segment.slug, "name": segment.name, "list": detail.summary.list,
                    "where": segment.expression, "count": detail.count,
                    "count_text": Self.countText(detail.count, language), "updated": shown(segment.updatedAt),
                ],
                "form": shownForm.values(language: language),
                "saved": saved,
                "scripts": ["segment.js"],
            ]
            return page(.segment, status: status, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /segments/SLUG`: count the changed filter, or save the name and filter.
    func updateSegment(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response): return response
        }
        var form = SegmentForm(slug: slug, name: fields["name"] ?? "", filter: fields["where"] ?? "")
        let (name, filter) = (form.name, form.filter)
        if fields["action"] == "count" {
            let counted = try await acting(signedIn) { operations in
                try operations.countMembers(list: try operations.segment(slug: slug).summary.list, matching: filter)
            }
            switch counted {
            case .success(let preview): (form.count, form.warnings) = (preview.count, preview.warnings)
            case .failure(let error): Self.place(error, in: &form, language: language)
            }
            let status: HTTPResponse.Status =
                form.filterError == nil && form.message == nil ? .ok : .unprocessableContent
            return try await segmentPage(signedIn, slug: slug, status: status, language: language, form: form)
        }
        switch try await acting(signedIn, { try $0.updateSegment(slug: slug, name: name, expression: filter) }) {
        case .success: return try await segmentPage(signedIn, slug: slug, language: language, saved: true)
        case .failure(let error):
            if error.kind == .forbidden || error.kind == .notFound {
                return refusal(error, language: language, signedIn: signedIn)
            }
            Self.place(error, in: &form, language: language)
            return try await segmentPage(
                signedIn, slug: slug, status: Self.status(error.kind), language: language, form: form)
        }
    }

    /// `POST /segments/SLUG/remove`: back to the list; refused while a send uses it.
    func removeSegment(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        let signedIn: SignedInRequest
        switch try await formAccess(request) {
        case .valid(let person, _): signedIn = person
        case .answer(let response): return response
        }
        switch try await acting(signedIn, { try $0.removeSegment(slug: slug) }) {
        case .success(let summary): return redirect("/lists/\(summary.list)")
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }

    /// `POST /segments/count` (form fields `csrf`, `list`, `where`): the live count as JSON for
    /// `segment.js` — `{"count": N, "text": …, "warnings": […]}`, or `{"error": …}` with 422 for a
    /// filter the parser refuses, in the reader's language.
    func countSegment(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response):
            return json(
                ["error": Self.text(.formExpired, language)],
                status: response.status == .seeOther ? .unauthorized : response.status)
        }
        let list = fields["list"] ?? ""
        let filter = fields["where"] ?? ""
        switch try await acting(signedIn, { try $0.countMembers(list: list, matching: filter) }) {
        case .success(let preview):
            return json([
                "count": preview.count, "text": Self.countText(preview.count, language),
                "warnings": preview.warnings.map { Self.explained($0, language) },
            ])
        case .failure(let error):
            return json(["error": Self.explained(error, language)], status: Self.status(error.kind))
        }
    }

    func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status, headers: headers(["application/json"]), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
