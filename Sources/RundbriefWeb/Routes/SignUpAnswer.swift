import Hummingbird

/// The sign-up's answers in the two shapes a client may want: a page for the form, JSON for
/// scripts embedding the sign-up in another site.
struct SignUpAnswer {
    let web: SubscriberWeb
    let language: Language
    let json: Bool

    func success() -> Response {
        json
            ? web.json(["status": "check-your-inbox"], status: .accepted)
            : web.page(.checkInbox, language: language)
    }

    func invalid(_ formValues: [String: any Sendable]) -> Response {
        if json {
            let fields = formValues.keys.filter { $0.hasPrefix("error_") }.map { $0.dropFirst(6) }
            return web.json(
                ["error": "invalid", "fields": fields.sorted().joined(separator: ",")], status: .badRequest)
        }
        return web.page(.subscribe, status: .badRequest, language: language, values: formValues)
    }

    func failure(_ status: HTTPResponse.Status) -> Response {
        var response =
            json
            ? web.json(["error": status.reasonPhrase], status: status)
            : web.errorPage(status, language: language)
        if status == .tooManyRequests { response.headers[.retryAfter] = "3600" }
        if status == .serviceUnavailable { response.headers[.retryAfter] = "60" }
        return response
    }
}
