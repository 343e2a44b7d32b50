import Foundation
import HTTPTypes
import Hummingbird
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// Sends in the console: the list, scheduling with a confirmation step (the audience size and the
/// guards' messages before anything is scheduled), a send's page with pause, resume, cancel and
/// reschedule, its live progress and, when done, its report and deliveries. Each action is one
/// operation of the application layer, the same the command line and the API call.
extension Console {
    func registerSendsRoutes(on router: Router<WebRequestContext>) {
        router.get("/sends") { try await self.sendsPage($0, $1) }
        router.get("/sends/new") { try await self.newSendPage($0, $1) }
        router.post("/sends/new") { try await self.checkSend($0, $1) }
        router.post("/sends") { try await self.scheduleSend($0, $1) }
        router.get("/sends/:id") { try await self.sendPage($0, $1) }
        router.get("/sends/:id/progress.json") { try await self.sendProgress($0, $1) }
        for action in SendAction.allCases {
            router.post("/sends/:id/\(action.rawValue)") { try await self.changeSend(action, $0, $1) }
        }
    }

    /// What a send's page can do to it.
    enum SendAction: String, CaseIterable, Sendable {
        case pause, resume, cancel, reschedule
    }

    /// The operations acting for the signed-in person.
    func operations(for signedIn: SignedInRequest) -> RundbriefApp.Operations {
        makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
    }

    /// A signed-in page's person, or the answer to give instead (the sign-in page, the password change).
    func signedInPage(_ request: Request) async throws -> Result<SignedInRequest, PageAnswer> {
        guard let signedIn = try await signedIn(request) else { return .failure(PageAnswer(redirect("/"))) }
        if signedIn.user.mustChangePassword { return .failure(PageAnswer(redirect("/password"))) }
        return .success(signedIn)
    }

    struct PageAnswer: Error {
        var response: Response
        init(_ response: Response) { self.response = response }
    }

    // MARK: - The list

    /// `GET /sends`: every send, newest first, by state.
    func sendsPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let signedIn: SignedInRequest
        switch try await signedInPage(request) {
        case .success(let person): signedIn = person
        case .failure(let answer): return answer.response
        }
        let operations = operations(for: signedIn)
        let reports = try await blocking { try operations.sends() }
        let zone = configuration.delivery.timezone
        let rows: [[String: Any]] = reports.map { sendRow($0, zone: zone, language: language) }
        return page(
            .sends, language: language, signedIn: signedIn,
            values: [
                "timeZone": zone, "has_sends": !rows.isEmpty, "sends": rows,
                "has_running": reports.contains { $0.send.status == .running }, "scripts": ["progress.js"],
            ])
    }

    func sendRow(_ report: SendReport, zone: String, language: Language) -> [String: Any] {
        let status = report.send.status
        let counts = report.counts
        // (Mustache shows a section for an empty string too: what is absent is left out.)
        var row: [String: Any] = [
            "id": report.send.id ?? 0, "edition": report.edition, "list": report.list,
            "status": Self.statusLabel(status, language), "status_key": status.rawValue,
            "running": status == .running, "at": SendTime.format(report.send.scheduledAt, timeZone: zone),
            "reason": Self.reasonText(report.send.statusReason ?? "", language),
            "has_reason": (status == .failed || status == .paused) && report.send.statusReason != nil,
            "done": counts.total - counts.remaining, "total": counts.total, "has_total": counts.total > 0,
            "sent": counts.sent, "failed": counts.failed,
        ]
        if let audience = report.segment ?? (report.segmentWhere != nil ? Self.sendText(.filtered, language) : nil) {
            row["audience"] = audience
        }
        return row
    }

    // MARK: - Scheduling

    /// `GET /sends/new`: the form (an edition may be chosen already: `?edition=`).
    func newSendPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        switch try await signedInPage(request) {
        case .failure(let answer): return answer.response
        case .success(let signedIn):
            var choice = SendChoice()
            choice.edition = request.uri.queryParameters.get("edition") ?? ""
            return try await sendForm(signedIn, choice: choice, language: language)
        }
    }

    /// What the schedule form holds.
    struct SendChoice: Sendable {
        var edition = ""
        var list = ""
        var segment = ""
        var now = true
        var date = ""
        var time = ""

        init() {}

        init(_ form: FormFields) {
            edition = form["edition"] ?? ""
            list = form["list"] ?? ""
            segment = form["segment"] ?? ""
            now = form["when"] != "later"
            date = form["date"] ?? ""
            time = form["time"] ?? ""
        }

        /// The time as the operations read it: "now", or "YYYY-MM-DD HH:MM" in delivery.timezone.
        var at: String { now ? "now" : "\(date) \(time)" }

        var audience: SendAudience { segment.isEmpty ? .wholeList : .segment(segment) }

        var hidden: [[String: String]] {
            [
                ["name": "edition", "value": edition], ["name": "list", "value": list],
                ["name": "segment", "value": segment], ["name": "when", "value": now ? "now" : "later"],
                ["name": "date", "value": date], ["name": "time", "value": time],
            ]
        }
    }

    /// The schedule form with the editions, lists and segments to choose from, and a message.
    func sendForm(
        _ signedIn: SignedInRequest, choice: SendChoice, language: Language, status: HTTPResponse.Status = .ok,
        message: String? = nil
    ) async throws -> Response {
        let operations = operations(for: signedIn)
        let (editions, lists, segments) = try await blocking {
            (try operations.editions(), try operations.lists(), try operations.segments())
        }
        // An edition chosen without a list goes to the list it was written for.
        var list = choice.list
        if list.isEmpty, let edition = editions.first(where: { $0.slug == choice.edition }) { list = edition.listSlug }
        var values: [String: Any] = [
            "timeZone": configuration.delivery.timezone,
            "editions": editions.map {
                ["slug": $0.slug, "subject": $0.subject, "selected": $0.slug == choice.edition] as [String: Any]
            },
            "lists": lists.map {
                ["slug": $0.list.slug, "name": $0.list.name, "active": $0.active, "selected": $0.list.slug == list]
                    as [String: Any]
            },
            "segments": segments.map {
                [
                    "slug": $0.segment.slug, "name": $0.segment.name, "list": $0.list,
                    "selected": $0.segment.slug == choice.segment,
                ] as [String: Any]
            },
            "now": choice.now, "date": choice.date, "time": choice.time,
            "has_editions": !editions.isEmpty,
        ]
        if let message { values["message"] = message }
        return page(.sendNew, status: status, language: language, signedIn: signedIn, values: values)
    }

    /// `POST /sends/new`: the confirmation step — the audience size and what the guards say; nothing
    /// is scheduled yet.
    func checkSend(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        }
        let choice = SendChoice(form)
        let operations = operations(for: signedIn)
        let result = try await blocking {
            Result { () throws(OperationError) -> AudiencePreview in
                try operations.previewSend(
                    edition: choice.edition, list: choice.list, at: choice.at, audience: choice.audience)
            }
        }
        switch result {
        case .failure(let error):
            return try await sendForm(
                signedIn, choice: choice, language: language, status: Self.status(error.kind),
                message: Self.translated(error, language))
        case .success(let preview):
            let zone = configuration.delivery.timezone
            let when =
                choice.now
                ? Self.sendText(.now, language)
                : SendTime.format(
                    (try? SendTime.parse(choice.at, timeZone: zone, now: operations.now)) ?? operations.now,
                    timeZone: zone)
            var values: [String: Any] = [
                "edition": choice.edition, "list": choice.list, "segment": choice.segment,
                "has_segment": !choice.segment.isEmpty, "count": preview.count, "when": when,
                "warnings": preview.warnings, "has_warnings": !preview.warnings.isEmpty, "hidden": choice.hidden,
            ]
            if let refusal = preview.alreadySent { values["already_sent"] = Self.translated(refusal, language) }
            return page(.sendConfirm, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /sends`: schedules what the confirmation showed; on to the send's page.
    func scheduleSend(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        }
        let choice = SendChoice(form)
        let again = form["again"] == "yes"
        let operations = operations(for: signedIn)
        let result = try await blocking {
            Result { () throws(OperationError) -> SendReport in
                try operations.scheduleSend(
                    edition: choice.edition, list: choice.list, at: choice.at, audience: choice.audience, again: again)
            }
        }
        switch result {
        case .failure(let error):
            return try await sendForm(
                signedIn, choice: choice, language: language, status: Self.status(error.kind),
                message: Self.translated(error, language))
        case .success(let report): return redirect("/sends/\(report.send.id ?? 0)")
        }
    }

    // MARK: - One send

    /// The id in the path, or nil for anything but a positive number.
    func sendID(_ context: WebRequestContext) -> Int64? {
        guard let text = context.parameters.get("id"), text.count <= 18, let id = Int64(text), id > 0 else {
            return nil
        }
        return id
    }

    /// `GET /sends/{id}`: its state, live progress, its actions, and when it has sent, its report and
    /// deliveries (`?cursor=` pages, `?status=failed|deferred|bounced` filters).
    func sendPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let signedIn: SignedInRequest
        switch try await signedInPage(request) {
        case .success(let person): signedIn = person
        case .failure(let answer): return answer.response
        }
        guard let id = sendID(context) else {
            return errorPage(.notFound, message: Self.sendText(.noSuchSend, language), language: language)
        }
        let query = request.uri.queryParameters
        let filter = query.get("status").flatMap(DeliveryFilter.init(rawValue:))
        let cursor = query.get("cursor")
        let operations = operations(for: signedIn)
        let result = try await blocking {
            Result { () throws(OperationError) -> (SendResults, DeliveryPage) in
                (
                    try operations.sendResults(id: id),
                    try operations.deliveries(sendID: id, filter: filter, cursor: cursor, limit: 50)
                )
            }
        }
        let (results, deliveries): (SendResults, DeliveryPage)
        switch result {
        case .failure(let error):
            return errorPage(
                Self.status(error.kind), message: Self.translated(error, language), language: language,
                signedIn: signedIn)
        case .success(let found): (results, deliveries) = found
        }
        let report = results.report
        let zone = configuration.delivery.timezone
        let status = report.send.status
        var values = sendRow(report, zone: zone, language: language)
        values["timeZone"] = zone
        values["scripts"] = ["progress.js"]
        values["can_pause"] = status == .scheduled || status == .running
        values["can_resume"] = status == .paused || status == .failed
        values["can_cancel"] = status == .scheduled || status == .running || status == .paused
        values["can_reschedule"] = status == .scheduled || status == .paused
        // Resuming a send that had not started sends it at once (reschedule it to send it later).
        values["resume_starts_now"] = status == .paused && report.send.startedAt == nil
        values["has_where"] = report.segmentWhere != nil
        values["where"] = report.segmentWhere ?? ""
        if let started = report.send.startedAt { values["started"] = SendTime.format(started, timeZone: zone) }
        if let finished = report.send.finishedAt { values["finished"] = SendTime.format(finished, timeZone: zone) }
        if let message = query.get("message").flatMap({ Self.sendMessages[$0]?[language] }) {
            values["message"] = message
        }
        if report.counts.total > 0 {
            let outcomes = results.outcomes
            let percent = { (count: Int) -> String in
                String(format: language == .de ? "%.2f %%" : "%.2f%%", results.rate(count) * 100)
                    .replacingOccurrences(of: ".", with: language == .de ? "," : ".")
            }
            values["report"] =
                [
                    ["label": Self.sendText(.sent, language), "count": report.counts.sent, "rate": ""],
                    [
                        "label": Self.sendText(.deferred, language), "count": report.counts.deferred,
                        "rate": percent(report.counts.deferred),
                    ],
                    [
                        "label": Self.sendText(.failedCount, language), "count": report.counts.failed,
                        "rate": percent(report.counts.failed),
                    ],
                    [
                        "label": Self.sendText(.skipped, language), "count": report.counts.skipped,
                        "rate": percent(report.counts.skipped),
                    ],
                    [
                        "label": Self.sendText(.bouncedHard, language), "count": outcomes.bouncedHard,
                        "rate": percent(outcomes.bouncedHard),
                    ],
                    [
                        "label": Self.sendText(.bouncedSoft, language), "count": outcomes.bouncedSoft,
                        "rate": percent(outcomes.bouncedSoft),
                    ],
                    [
                        "label": Self.sendText(.unsubscribed, language), "count": outcomes.unsubscribed,
                        "rate": percent(outcomes.unsubscribed),
                    ],
                    [
                        "label": Self.sendText(.complained, language), "count": outcomes.complained,
                        "rate": percent(outcomes.complained),
                    ],
                ] as [[String: Any]]
            values["has_report"] = true
            values["deliveries"] = deliveries.lines.map {
                [
                    "email": $0.email ?? Self.sendText(.forgotten, language),
                    "status": Self.deliveryLabel($0.status, language), "attempts": $0.attempts,
                    "bounce": $0.bounce.map { Self.bounceLabel($0, language) } ?? "",
                    "reply": [$0.lastCode.map(String.init), $0.lastStatus, $0.lastReply].compactMap { $0 }
                        .joined(separator: " "),
                ] as [String: Any]
            }
            values["has_deliveries"] = !deliveries.lines.isEmpty
            let filterQuery = filter.map { "status=\($0.rawValue)&" } ?? ""
            values["next"] = deliveries.nextCursor.map { "/sends/\(id)?\(filterQuery)cursor=\($0)" } ?? ""
            values["has_next"] = deliveries.nextCursor != nil
            values["paged"] = cursor != nil
            values["filters"] = ([nil] + DeliveryFilter.allCases.map(Optional.some)).map { option in
                [
                    "href": "/sends/\(id)" + (option.map { "?status=\($0.rawValue)" } ?? ""),
                    "label": Self.filterLabel(option, language), "current": option == filter,
                ] as [String: Any]
            }
        }
        return page(.send, language: language, signedIn: signedIn, values: values)
    }

    /// `GET /sends/{id}/progress.json`: the live counts `progress.js` polls (signed-in only).
    func sendProgress(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return json(["error": "not signed in"], .unauthorized) }
        guard let id = sendID(context) else { return json(["error": "no such send"], .notFound) }
        let operations = operations(for: signedIn)
        let result = try await blocking {
            Result { () throws(OperationError) -> SendReport in try operations.send(id: id) }
        }
        switch result {
        case .failure(let error): return json(["error": error.message], Self.status(error.kind))
        case .success(let report):
            let counts = report.counts
            let language = language(request)
            return json(
                [
                    "id": id, "status": report.send.status.rawValue,
                    "status_label": Self.statusLabel(report.send.status, language),
                    "done": counts.total - counts.remaining, "total": counts.total, "sent": counts.sent,
                    "failed": counts.failed, "deferred": counts.deferred,
                ], .ok)
        }
    }

    func json(_ object: [String: Any], _ status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: headers(["application/json"]), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `POST /sends/{id}/pause|resume|cancel|reschedule`: the change, then back to the send's page.
    func changeSend(_ action: SendAction, _ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await signedInForm(request) {
        case .answer(let response): return response
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        }
        guard let id = sendID(context) else {
            return errorPage(.notFound, message: Self.sendText(.noSuchSend, language), language: language)
        }
        let operations = operations(for: signedIn)
        let at = "\(form["date"] ?? "") \(form["time"] ?? "")"
        let again = form["again"] == "yes"
        let result = try await blocking {
            Result { () throws(OperationError) -> Void in
                switch action {
                case .pause: try operations.pauseSend(id: id)
                case .resume: try operations.resumeSend(id: id, again: again)
                case .cancel: try operations.cancelSend(id: id)
                case .reschedule: try operations.rescheduleSend(id: id, at: at)
                }
            }
        }
        switch result {
        case .failure(let error):
            return errorPage(
                Self.status(error.kind), message: Self.translated(error, language), language: language,
                signedIn: signedIn)
        case .success: return redirect("/sends/\(id)?message=\(action.rawValue)")
        }
    }

    /// The confirmation a send's page shows after a change.
    static let sendMessages: [String: [Language: String]] = [
        "pause": [.de: "Der Versand ist angehalten.", .en: "The send is paused."],
        "resume": [.de: "Der Versand geht weiter.", .en: "The send goes on."],
        "cancel": [.de: "Der Versand ist abgebrochen.", .en: "The send is cancelled."],
        "reschedule": [.de: "Der Versand ist verschoben.", .en: "The send is rescheduled."],
    ]
}
