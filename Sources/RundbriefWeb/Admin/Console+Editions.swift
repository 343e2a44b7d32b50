import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// The editions pages: the list, the editor (front matter as fields, the Markdown body, the variables a
/// body may use, a preview rendered by the real renderer into sandboxed frames, test-send), and removal
/// with a confirmation step. Every form works without script; `editor.js` only refreshes the preview
/// while typing.
extension Console {
    /// Drafts previewed but not saved, for the editor's frames.
    static let previews = EditionPreviews()

    /// The largest editor form: an edition at its longest, percent-encoded, and its other fields.
    static let maxEditorFormBytes = RundbriefApp.Operations.maxEditionSourceBytes * 3 + 16_384

    func registerEditionsRoutes(on router: Router<WebRequestContext>) {
        let console = self
        router.get("/editions") { request, _ in try await console.editionList(request) }
        router.get("/editions/new") { request, _ in try await console.newEdition(request) }
        router.post("/editions/new") { request, _ in try await console.postEditor(request, slug: nil) }
        router.get("/editions/:slug/edit") { request, context in
            try await console.openEditor(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/editions/:slug/edit") { request, context in
            try await console.postEditor(request, slug: context.parameters.get("slug") ?? "")
        }
        router.get("/editions/:slug/preview") { request, context in
            try await console.savedPreview(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/editions/:slug/test-send") { request, context in
            try await console.testSend(request, slug: context.parameters.get("slug") ?? "")
        }
        router.get("/editions/:slug/remove") { request, context in
            try await console.confirmRemoval(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/editions/:slug/remove") { request, context in
            try await console.remove(request, slug: context.parameters.get("slug") ?? "")
        }
        router.post("/previews") { request, _ in try await console.draftPreview(request) }
        router.get("/previews/:id") { request, context in
            try await console.storedDraft(request, id: context.parameters.get("id") ?? "")
        }
    }

    // MARK: - Pages

    /// `GET /editions`.
    func editionList(_ request: Request) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        let zone = configuration.delivery.timezone
        switch try await attempt(signedIn, { try $0.editions() }) {
        case .failure(let error):
            return errorPage(Self.status(error.kind), message: Self.translated(error, language), language: language)
        case .success(let editions):
            var values: [String: Any] = [
                "has_editions": !editions.isEmpty, "timeZone": zone,
                "editions": editions.map {
                    [
                        "slug": $0.slug, "subject": $0.subject, "list": $0.listSlug, "by": $0.updatedBy,
                        "updated": SendTime.format($0.updatedAt, timeZone: zone), "path": Self.path($0.slug),
                    ]
                },
            ]
            if let removed = Self.query(request, "removed") { values["removed"] = removed }
            return page(.editions, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `GET /editions/new`: an empty editor for the first list.
    func newEdition(_ request: Request) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        return try await editor(signedIn, language: language(request), state: EditorState(form: EditionForm()))
    }

    /// `GET /editions/SLUG/edit`: the stored edition in the editor, with the revision it was read at.
    func openEditor(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        switch try await attempt(signedIn, { try $0.edition(slug) }) {
        case .failure(let error):
            return errorPage(
                Self.status(error.kind), message: Self.translated(error, language), language: language,
                signedIn: signedIn)
        case .success(let edition):
            var state = try EditorState(edition)
            if Self.query(request, "saved") != nil { state.notice = .saved }
            return try await editor(signedIn, language: language, state: state)
        }
    }

    /// `POST /editions/new` and `POST /editions/SLUG/edit`: save, or (the "Vorschau" button, and every
    /// browser without script) preview the draft without saving.
    func postEditor(_ request: Request, slug: String?) async throws -> Response {
        let language = language(request)
        if let tooLarge = tooLarge(request, language: language) { return tooLarge }
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await signedInForm(request, limit: Self.maxEditorFormBytes) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response): return response
        }
        var state = EditorState(form: Self.editionForm(fields, slug: slug), slug: slug)
        state.revision = fields["revision"].flatMap { Int64($0) } ?? 0
        let source = state.form.source
        let previewFor = (fields["preview_for"] ?? "").trimmingCharacters(in: .whitespaces)
        state.previewFor = previewFor
        if fields["action"] == "preview" {
            switch try await attempt(
                signedIn, { try $0.previewEdition(source: source, slug: slug, subscriber: previewFor) })
            {
            case .failure(let error):
                state.message = Self.editionsTranslated(error, language)
                return try await editor(signedIn, language: language, state: state, status: Self.status(error.kind))
            case .success(let preview):
                state.previewID = Self.previews.keep(preview, session: signedIn.session.id, now: Date())
                return try await editor(signedIn, language: language, state: state)
            }
        }
        let revision = state.revision
        switch try await attempt(signedIn, { try $0.saveEdition(source: source, slug: slug, seenRevision: revision) })
        {
        case .failure(let error):
            state.message = Self.editionsTranslated(error, language)
            return try await editor(signedIn, language: language, state: state, status: Self.status(error.kind))
        case .success(let saved):
            return redirect(Self.path(saved.edition.slug) + "/edit?saved=1")
        }
    }

    /// `POST /editions/SLUG/test-send`: the stored edition to the addresses typed (comma or line separated).
    func testSend(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await signedInForm(request) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response): return response
        }
        let to = fields["to"] ?? ""
        let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
        let outcome: Result<[RundbriefApp.Operations.TestSendResult], OperationError>
        do {
            outcome = .success(try await operations.testSend(slug, to: [to]))
        } catch {
            outcome = .failure(error)
        }
        let stored = try await attempt(signedIn, { try $0.edition(slug) })
        guard case .success(let edition) = stored else {
            return errorPage(.notFound, message: Self.editionGone(language), language: language)
        }
        var state = try EditorState(edition)
        state.testTo = to
        switch outcome {
        case .failure(let error):
            state.testMessage = Self.editionsTranslated(error, language)
            return try await editor(signedIn, language: language, state: state, status: Self.status(error.kind))
        case .success(let results):
            state.testResults = results
            return try await editor(signedIn, language: language, state: state)
        }
    }

    /// `GET /editions/SLUG/remove`: the confirmation step.
    func confirmRemoval(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        switch try await attempt(signedIn, { try $0.edition(slug) }) {
        case .failure(let error):
            return errorPage(
                Self.status(error.kind), message: Self.translated(error, language), language: language,
                signedIn: signedIn)
        case .success(let edition):
            return page(
                .editionRemove, language: language, signedIn: signedIn,
                values: ["slug": edition.slug, "subject": edition.subject, "path": Self.path(edition.slug)])
        }
    }

    /// `POST /editions/SLUG/remove`.
    func remove(_ request: Request, slug: String) async throws -> Response {
        let language = language(request)
        let signedIn: SignedInRequest
        switch try await signedInForm(request) {
        case .valid(let person, _): signedIn = person
        case .answer(let response): return response
        }
        switch try await attempt(signedIn, { try $0.removeEdition(slug) }) {
        case .failure(let error):
            return errorPage(
                Self.status(error.kind), message: Self.editionsTranslated(error, language), language: language,
                signedIn: signedIn)
        case .success(let removed):
            let encoded =
                removed.slug.addingPercentEncoding(
                    withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+", "#"]))
                ?? ""
            return redirect("/editions?removed=\(encoded)")
        }
    }

    // MARK: - Previews

    /// `GET /editions/SLUG/preview?view=html|text`: the stored edition for a sample subscriber, for a frame.
    func savedPreview(_ request: Request, slug: String) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return previewAnswer(nil, text: false) }
        let text = Self.query(request, "view") == "text"
        let result = try await attempt(signedIn, { try $0.previewEdition(slug, to: nil, text: text) })
        return previewAnswer(try? result.get(), text: text)
    }

    /// `GET /previews/ID?view=html|text`: a draft this session previewed.
    func storedDraft(_ request: Request, id: String) async throws -> Response {
        let text = Self.query(request, "view") == "text"
        guard let signedIn = try await signedIn(request),
            let draft = Self.previews.preview(id, session: signedIn.session.id, now: Date())
        else { return previewAnswer(nil, text: text) }
        return previewAnswer(text ? draft.text : draft.html, text: text)
    }

    /// `POST /previews` (from `editor.js`): the editor's fields, with the CSRF token; answers JSON with
    /// the frames' addresses, or 422 with `{"error": ...}` in the page's language.
    func draftPreview(_ request: Request) async throws -> Response {
        let language = language(request)
        if let tooLarge = tooLarge(request, language: language) { return tooLarge }
        let (signedIn, fields): (SignedInRequest, FormFields)
        switch try await signedInForm(request, limit: Self.maxEditorFormBytes) {
        case .valid(let person, let form): (signedIn, fields) = (person, form)
        case .answer(let response): return response
        }
        let slug = fields["edited"].flatMap { $0.isEmpty ? nil : $0 }
        let source = Self.editionForm(fields, slug: slug).source
        let previewFor = (fields["preview_for"] ?? "").trimmingCharacters(in: .whitespaces)
        switch try await attempt(
            signedIn, { try $0.previewEdition(source: source, slug: slug, subscriber: previewFor) })
        {
        case .failure(let error):
            return json(Self.status(error.kind), ["error": Self.editionsTranslated(error, language)])
        case .success(let preview):
            let id = Self.previews.keep(preview, session: signedIn.session.id, now: Date())
            return json(.ok, ["html": "/previews/\(id)?view=html", "text": "/previews/\(id)?view=text"])
        }
    }

    /// A preview for a frame: the edition's HTML with a policy of its own (its inline styles, no script,
    /// framed only by the console), or its text part; 404 for nothing to show.
    func previewAnswer(_ body: String?, text: Bool) -> Response {
        var fields = headers([text ? "text/plain; charset=utf-8" : "text/html; charset=utf-8"])
        fields[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https: data:; "
            + "form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox allow-popups"
        fields[SecurityHeaders.frameOptions] = "SAMEORIGIN"
        guard let body else { return Response(status: .notFound, headers: fields) }
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    // MARK: - Helpers

    /// What the editor shows.
    struct EditorState {
        enum Notice { case saved }
        var form: EditionForm
        /// The stored edition's slug; nil for a new one.
        var slug: String?
        var revision: Int64 = 0
        var previewID: String?
        /// The subscriber the preview is for, as typed (empty: a sample subscriber).
        var previewFor = ""
        var message: String?
        var notice: Notice?
        var testTo = ""
        var testMessage: String?
        var testResults: [RundbriefApp.Operations.TestSendResult] = []

        init(form: EditionForm, slug: String? = nil) {
            self.form = form
            self.slug = slug
        }

        init(_ edition: Edition) throws {
            let form = try EditionForm(source: edition.source, slug: edition.slug)
            self.init(form: form, slug: edition.slug)
            revision = edition.revision
        }
    }

    func editor(
        _ signedIn: SignedInRequest, language: Language, state: EditorState, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let (lists, keys) = try await blocking { [self] in
            let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
            return (try operations.lists().map(\.list), try operations.attributeKeys())
        }
        var form = state.form
        if form.list.isEmpty { form.list = lists.first?.slug ?? "" }
        var values: [String: Any] = [
            "is_new": state.slug == nil, "subject": form.subject, "preheader": form.preheader,
            "template": form.template, "slug": form.slug, "other": form.otherFrontMatter, "body": form.body,
            "revision": state.revision, "edited": state.slug ?? "",
            "action": state.slug.map { Self.path($0) + "/edit" } ?? "/editions/new",
            "lists": lists.map { ["slug": $0.slug, "name": $0.name, "selected": $0.slug == form.list] },
            "variables": ["{{name}}", "{{email}}"] + keys.map { "{{attributes.\($0)}}" },
            "saved": state.notice == .saved, "test_to": state.testTo, "scripts": ["editor.js"],
            "preview_for": state.previewFor,
            "has_other": !form.otherFrontMatter.isEmpty, "section_example": "{{#name}}…{{/name}}",
            "has_test_results": !state.testResults.isEmpty,
        ]
        if let slug = state.slug { values["path"] = Self.path(slug) }
        if let id = state.previewID {
            values["preview_html"] = "/previews/\(id)?view=html"
            values["preview_text"] = "/previews/\(id)?view=text"
        } else if let slug = state.slug {
            values["preview_html"] = Self.path(slug) + "/preview?view=html"
            values["preview_text"] = Self.path(slug) + "/preview?view=text"
        }
        if let message = state.message { values["message"] = message }
        if let message = state.testMessage { values["test_message"] = message }
        if !state.testResults.isEmpty {
            values["test_results"] = state.testResults.map {
                ["address": $0.address, "delivered": $0.delivered, "reply": $0.reply] as [String: Any]
            }
        }
        return page(.editionEditor, status: status, language: language, signedIn: signedIn, values: values)
    }

    /// Runs an operation for the signed-in person off the concurrency pool; its refusal as a value.
    func attempt<T: Sendable>(
        _ signedIn: SignedInRequest, _ work: @escaping @Sendable (RundbriefApp.Operations) throws -> T
    ) async throws -> Result<T, OperationError> {
        let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
        return try await blocking {
            do {
                return .success(try work(operations))
            } catch let error as OperationError {
                return .failure(error)
            }
        }
    }

    /// 413 for a body larger than any editor form, before it is read.
    func tooLarge(_ request: Request, language: Language) -> Response? {
        guard let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxEditorFormBytes
        else { return nil }
        return errorPage(.contentTooLarge, message: Self.text(.formTooLarge, language), language: language)
    }

    func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: headers(["application/json"]), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func editionForm(_ fields: FormFields, slug: String?) -> EditionForm {
        EditionForm(
            subject: fields["subject"] ?? "", preheader: fields["preheader"] ?? "", list: fields["list"] ?? "",
            slug: slug ?? fields["slug"] ?? "", template: fields["template"] ?? "edition",
            otherFrontMatter: fields["other"] ?? "", body: fields["body"] ?? "")
    }

    static func path(_ slug: String) -> String {
        "/editions/" + (slug.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "")
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }
}
