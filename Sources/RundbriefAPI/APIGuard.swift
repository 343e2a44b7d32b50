import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import RundbriefApp
import RundbriefStore

/// The key a request was authenticated with, for the handlers (set by ``APIGuard``).
enum APIPrincipal {
    @TaskLocal static var current: APIKey?
}

/// Runs around every generated route: refuses oversized bodies (413) and requests without a working
/// API key (401) before anything is decoded, and turns every error into an RFC 9457 problem.
struct APIGuard: ServerMiddleware {
    let authenticate: @Sendable (String) async throws -> APIKey
    let maxBodyBytes: Int
    /// Operations that take larger bodies than `maxBodyBytes` (a CSV import), by operation id.
    var maxBodyBytesByOperation: [String: Int] = [:]
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let token = Self.bearer(request.headerFields[.authorization]) else {
            return Problem.response(
                OperationError(.unauthorized, "an API key is needed: Authorization: Bearer KEY"))
        }
        let key: APIKey
        do {
            key = try await authenticate(token)
        } catch {
            return Problem.response(for: error, logger: logger)
        }
        var buffered: HTTPBody?
        let maxBodyBytes = maxBodyBytesByOperation[operationID] ?? self.maxBodyBytes
        if let body {
            if case .known(let length) = body.length, length > maxBodyBytes {
                return Self.tooLarge(maxBodyBytes)
            }
            do {
                buffered = HTTPBody(try await [UInt8](collecting: body, upTo: maxBodyBytes))
            } catch {
                return Self.tooLarge(maxBodyBytes)
            }
        }
        do {
            var (response, answer) = try await APIPrincipal.$current.withValue(key) {
                try await next(request, buffered, metadata)
            }
            Self.protect(&response)
            return (response, answer)
        } catch {
            return Problem.response(for: error, logger: logger)
        }
    }

    /// Every answer is `nosniff` and never cached; an HTML answer (an edition's preview: editor-written
    /// HTML on the console's origin) also gets a policy that runs no script and opens in a sandbox.
    static func protect(_ response: inout HTTPResponse) {
        response.headerFields[.xContentTypeOptions] = "nosniff"
        if response.headerFields[.cacheControl] == nil { response.headerFields[.cacheControl] = "no-store" }
        if response.headerFields[.contentType]?.hasPrefix("text/html") == true {
            response.headerFields[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'none'; "
                + "frame-ancestors 'none'; base-uri 'none'; sandbox"
        }
    }

    static func tooLarge(_ limit: Int) -> (HTTPResponse, HTTPBody?) {
        Problem.response(status: .contentTooLarge, detail: "the request body is larger than \(limit) bytes")
    }

    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty || token.count > 200 ? nil : token
    }
}
