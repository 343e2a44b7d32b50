import Foundation
import HTTPTypes
import Hummingbird
import RundbriefApp
import RundbriefStore

extension Console {
    /// `GET /`: the dashboard for a signed-in person, the sign-in page for anyone else.
    func home(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return signInPage(language: language) }
        if signedIn.user.mustChangePassword { return redirect("/password") }
        return try await dashboard(signedIn, language: language)
    }

    /// The sign-in form with a fresh double-submit token in its cookie and its hidden field.
    func signInPage(
        status: HTTPResponse.Status = .ok, language: Language, email: String = "", message: String? = nil
    ) -> Response {
        var values: [String: Any] = ["email": email]
        if let message { values["message"] = message }
        return doubleSubmitPage(.signIn, status: status, language: language, values: values)
    }

    /// A page whose form is posted before anyone is signed in (the sign-in, the code): a fresh random
    /// token in its hidden field and in a cookie; the post must repeat it (``doubleSubmitForm(_:)``).
    func doubleSubmitPage(
        _ page: ConsoleRenderer.Page, status: HTTPResponse.Status, language: Language, values: [String: Any]
    ) -> Response {
        let token = RundbriefApp.Operations.formToken()
        var values = values
        values["csrf"] = token
        var response = self.page(page, status: status, language: language, values: values)
        response.setCookie(cookie(Self.signInCookie, token, maxAge: 3_600))
        return response
    }

    /// The form of a ``doubleSubmitPage(_:status:language:values:)``, or the answer instead: 413 for an
    /// oversized form, `refused(message)` when its token does not match its cookie.
    func doubleSubmitForm(_ request: Request, refused: (String) -> Response) async -> Result<FormFields, PageAnswer> {
        let language = language(request)
        guard let form = await form(request) else {
            return .failure(
                PageAnswer(
                    errorPage(.contentTooLarge, message: Self.text(.formTooLarge, language), language: language)))
        }
        guard let expected = request.cookies[Self.signInCookie]?.value,
            RundbriefApp.Operations.tokensMatch(form["csrf"], expected)
        else { return .failure(PageAnswer(refused(Self.text(.formExpired, language)))) }
        return .success(form)
    }

    /// `POST /sign-in`.
    func signIn(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let form: FormFields
        switch await doubleSubmitForm(
            request, refused: { signInPage(status: .forbidden, language: language, message: $0) })
        {
        case .success(let fields): form = fields
        case .failure(let answer): return answer.response
        }
        let email = form["email"] ?? ""
        let password = form["password"] ?? ""
        let address = clientAddress(request, context)
        let result: Result<SignInOutcome, OperationError> = try await blocking { [self] in
            Result { () throws(OperationError) -> SignInOutcome in
                try makeOperations(.daemon, .editor).signIn(
                    email: email, password: password, clientAddress: address, throttle: throttle, hasher: hasher)
            }
        }
        switch result {
        case .failure(let error):
            return signInPage(
                status: error.kind == .unauthorized ? .unauthorized : .unprocessableContent, language: language,
                email: email, message: Self.translated(error, language))
        case .success(.codeNeeded(let challenge)):
            var response = codePage(language: language)
            response.setCookie(
                cookie(Self.challengeCookie, challenge, maxAge: Int(RundbriefApp.Operations.codeLifetime)))
            return response
        case .success(.signedIn(let signedIn)):
            return signedInResponse(signedIn)
        }
    }

    /// The redirect after a complete sign-in, with the session's cookie.
    func signedInResponse(_ signedIn: SignedIn) -> Response {
        var response = redirect(signedIn.user.mustChangePassword ? "/password" : "/")
        response.setCookie(
            cookie(Self.sessionCookie, signedIn.token, maxAge: Int(RundbriefApp.Operations.sessionLifetime)))
        response.setCookie(expiredCookie(Self.signInCookie))
        response.setCookie(expiredCookie(Self.challengeCookie))
        return response
    }

    /// `POST /sign-out`.
    func signOut(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let signedIn: SignedInRequest
        switch try await signedInForm(request) {
        case .valid(let person, _): signedIn = person
        case .answer(let response): return response
        }
        try await blocking { [self] in
            try makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
                .signOut(signedIn.session, user: signedIn.user)
        }
        var response = redirect("/")
        response.setCookie(expiredCookie(Self.sessionCookie))
        return response
    }

    /// `GET /password`.
    func passwordPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        guard let signedIn = try await signedIn(request) else { return redirect("/") }
        return passwordForm(signedIn, language: language)
    }

    func passwordForm(
        _ signedIn: SignedInRequest, status: HTTPResponse.Status = .ok, language: Language, message: String? = nil
    ) -> Response {
        var values: [String: Any] = ["mustChange": signedIn.user.mustChangePassword]
        if let message { values["message"] = message }
        return page(.password, status: status, language: language, signedIn: signedIn, values: values)
    }

    /// `POST /password`: the first-sign-in change, or any later one.
    func changePassword(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(request)
        let (signedIn, form): (SignedInRequest, FormFields)
        switch try await signedInForm(request) {
        case .valid(let person, let fields): (signedIn, form) = (person, fields)
        case .answer(let response): return response
        }
        let current = form["current"] ?? ""
        let new = form["new"] ?? ""
        guard new == form["repeat"] else {
            return passwordForm(
                signedIn, status: .unprocessableContent, language: language,
                message: Self.text(.repeatDiffers, language))
        }
        let result: Result<Void, OperationError> = try await blocking { [self] in
            Result { () throws(OperationError) in
                try makeOperations(.person(email: signedIn.user.email), signedIn.user.role).changePassword(
                    session: signedIn.session, current: current, new: new, hasher: hasher)
            }
        }
        if case .failure(let failure) = result {
            return passwordForm(
                signedIn, status: .unprocessableContent, language: language, message: Self.translated(failure, language)
            )
        }
        return redirect("/")
    }
}
