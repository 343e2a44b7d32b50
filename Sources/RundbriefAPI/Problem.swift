import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import RundbriefApp

/// RFC 9457 problem documents: the status, its reason as the title, and the application layer's
/// one-line message as the detail (the same words the command line prints).
enum Problem {
    static let contentType = "application/problem+json"

    /// The HTTP status for a kind of refusal.
    static func status(_ kind: OperationError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .usage: .badRequest
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .busy, .cannotWrite: .serviceUnavailable
        case .damaged, .configuration: .internalServerError
        }
    }

    static func response(_ error: OperationError) -> (HTTPResponse, HTTPBody?) {
        response(status: status(error.kind), detail: error.message)
    }

    static func response(status: HTTPResponse.Status, detail: String) -> (HTTPResponse, HTTPBody?) {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        fields[.cacheControl] = "no-store"
        if status == .unauthorized { fields[.wwwAuthenticate] = "Bearer realm=\"rundbrief admin API\"" }
        let body: [String: Any] = [
            "type": "about:blank", "title": status.reasonPhrase, "status": status.code, "detail": detail,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return (HTTPResponse(status: status, headerFields: fields), HTTPBody(data))
    }

    /// Any error a route threw: the application layer's refusals keep their kind; a request the
    /// generated code could not decode is the client's mistake (400); anything else is ours (500, logged).
    static func response(for error: any Error, logger: Logger) -> (HTTPResponse, HTTPBody?) {
        if let error = error as? OperationError { return response(error) }
        if let error = error as? ServerError {
            if let underlying = error.underlyingError as? OperationError { return response(underlying) }
            return response(
                status: .badRequest, detail: "the request does not match the API document: \(error.causeDescription)")
        }
        logger.error("admin API failed", metadata: ["error": "\(error)"])
        return response(status: .internalServerError, detail: "the server failed; the log has the details")
    }
}
