import Foundation
import HTTPTypes
import Hummingbird
import RundbriefApp
import RundbriefStore

/// Optional TOTP for admins: turning it on (`/account/totp`: the otpauth:// link as text and the key
/// to type, confirmed with a first code), and the sign-in's second step (`POST /sign-in/code`).
extension Console {
    /// The half-done sign-in waiting for its code (HttpOnly, SameSite=Strict, five minutes).
    static let challengeCookie = "rundbrief_sign_in_code"

    func registerSecondFactorRoutes(on router: Router<WebRequestContext>) {
        let console = self
        router.post("/sign-in/code") { request, context in try await console.signInCode(request, context) }
        router.get("/account/totp") { request, _ in try await console.totpPage(request) }
        router.post("/account/totp/start") { request, _ in try await console.startTOTP(request) }
        router.post("/account/totp/confirm") { request, _ in try await console.confirmTOTP(request) }
    }

    /// The question for the code, with a fresh double-submit token (as the sign-in form has).
    func codePage(status: HTTPResponse.Status = .ok, language: Language, message: String? = nil) -> Response {
        doubleSubmitPage(
            .signInCode, status: status, language: language, values: message.map { ["message": $0] } ?? [:])
    }

    /// `POST /sign-in/code`.
    func signInCode(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let form: FormFields
        switch await doubleSubmitForm(
            request, refused: { codePage(status: .forbidden, language: language, message: $0) })
        {
        case .success(let fields): form = fields
        case .failure(let answer): return answer.response
        }
        let challenge = request.cookies[Self.challengeCookie]?.value ?? ""
        let code = form["code"] ?? ""
        let address = clientAddress(request, context)
        let result: Result<SignedIn, OperationError> = try await blocking { [self] in
            Result { () throws(OperationError) -> SignedIn in
                try makeOperations(.daemon, .editor).confirmSignIn(
                    challenge: challenge, code: code, clientAddress: address, throttle: throttle)
            }
        }
        switch result {
        case .success(let signedIn): return signedInResponse(signedIn)
        case .failure(let error) where error.message == RundbriefApp.Operations.codeExpired:
            var response = signInPage(
                status: .unauthorized, language: language, message: Self.explained(error, language))
            response.setCookie(expiredCookie(Self.challengeCookie))
            return response
        case .failure(let error):
            return codePage(status: .unauthorized, language: language, message: Self.explained(error, language))
        }
    }

    /// `GET /account/totp`: whether it is on, and the button to set it up.
    func totpPage(_ request: Request) async throws -> Response {
        switch try await pageAccess(request) {
        case .answer(let response): return response
        case .person(let signedIn): return try await totpPage(signedIn, language: language(request))
        }
    }

    func totpPage(
        _ signedIn: SignedInRequest, status: HTTPResponse.Status = .ok, language: Language,
        setup: TOTPSetup? = nil, message: String? = nil, confirmed: Bool = false
    ) async throws -> Response {
        let session = signedIn.session
        switch try await acting(signedIn, { try $0.totpEnabled(session: session) }) {
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        case .success(let enabled):
            var values: [String: Any] = ["enabled": enabled, "confirmed": confirmed]
            if let setup {
                values["setup"] = [
                    "url": setup.url,
                    "key": stride(from: 0, to: setup.key.count, by: 4).map {
                        String(setup.key.dropFirst($0).prefix(4))
                    }.joined(separator: " "),
                ]
            }
            if let message { values["message"] = message }
            return page(.totp, status: status, language: language, signedIn: signedIn, values: values)
        }
    }

    /// `POST /account/totp/start`: a new secret, shown with the field for the first code.
    func startTOTP(_ request: Request) async throws -> Response {
        let language = language(request)
        let signedIn: SignedInRequest
        switch try await formAccess(request) {
        case .valid(let person, _): signedIn = person
        case .answer(let response): return response
        }
        let session = signedIn.session
        switch try await acting(signedIn, { try $0.startTOTP(session: session) }) {
        case .success(let setup): return try await totpPage(signedIn, language: language, setup: setup)
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }

    /// `POST /account/totp/confirm` (code): turns it on when the code is right.
    func confirmTOTP(_ request: Request) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await formAccess(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let session = signedIn.session
        let code = form["code"] ?? ""
        switch try await acting(signedIn, { try $0.confirmTOTP(session: session, code: code) }) {
        case .success: return try await totpPage(signedIn, language: language, confirmed: true)
        case .failure(let error) where error.kind == .invalid:
            // The same secret again, so the person can try the next code from the app.
            let again = try await acting(signedIn) { try $0.pendingTOTP(session: session) }
            return try await totpPage(
                signedIn, status: .unprocessableContent, language: language, setup: (try? again.get()) ?? nil,
                message: Self.explained(error, language))
        case .failure(let error): return refusal(error, language: language, signedIn: signedIn)
        }
    }
}
