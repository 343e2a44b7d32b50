import Foundation
import HTTPTypes
import Hummingbird
import RundbriefApp
import RundbriefCore
import RundbriefStore

/// What the pages of lists, segments, users and keys share: who may see a page, running an
/// operation for the signed-in person, and its refusal as a status and a sentence.
extension Console {
    /// A page's request: the signed-in person, or the answer to give instead.
    enum PageAccess {
        case person(SignedInRequest)
        case answer(Response)
    }

    /// The signed-in person of a page's GET, or the sign-in page (nobody) or the password change (a
    /// one-time password is still in use).
    func pageAccess(_ request: Request) async throws -> PageAccess {
        guard let signedIn = try await signedIn(request) else { return .answer(redirect("/")) }
        if signedIn.user.mustChangePassword { return .answer(redirect("/password")) }
        return .person(signedIn)
    }

    /// A form's request: the person and the fields after the CSRF check, or the answer instead.
    func formAccess(_ request: Request) async throws -> SignedInForm {
        // A body over a console form's size is answered 413 before it is read (not "form expired").
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxFormBytes {
            let language = language(request)
            return .answer(
                errorPage(
                    .contentTooLarge, message: Self.text(.formTooLarge, language), language: language,
                    signedIn: try await signedIn(request)))
        }
        let result = try await signedInForm(request)
        if case .valid(let person, _) = result, person.user.mustChangePassword { return .answer(redirect("/password")) }
        return result
    }

    /// Runs an operation as the signed-in person, off the concurrency pool.
    /// - Returns: the result, or the operation's refusal; any other error is thrown.
    func acting<T: Sendable>(
        _ signedIn: SignedInRequest, _ work: @escaping @Sendable (RundbriefApp.Operations) throws -> T
    ) async throws -> Result<T, OperationError> {
        let operations = makeOperations(.person(email: signedIn.user.email), signedIn.user.role)
        return try await blocking { () throws -> Result<T, OperationError> in
            do {
                return .success(try work(operations))
            } catch let error as OperationError {
                return .failure(error)
            }
        }
    }

    /// The status a page answers a refusal with.
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

    /// The error page for a refusal, in the reader's language.
    func refusal(_ error: OperationError, language: Language, signedIn: SignedInRequest) -> Response {
        errorPage(
            Self.status(error.kind), message: Self.explained(error, language), language: language,
            signedIn: signedIn)
    }

    /// The application layer's message in German where the console knows it; messages that name a
    /// slug, a column or an address are matched by their fixed parts.
    static func explained(_ error: OperationError, _ language: Language) -> String {
        explained(error.message, language)
    }

    /// A message or warning of the application layer, in German where the console knows it.
    static func explained(_ message: String, _ language: Language) -> String {
        guard language == .de else { return message }
        // A sentence the console knows word for word comes first; the patterns catch the rest.
        let exact = translated(OperationError(.invalid, message), language)
        if exact != message { return exact }
        for (pattern, german) in patterns {
            guard let match = message.wholeMatch(of: pattern) else { continue }
            let captured = match.output.dropFirst().map { $0.substring.map(String.init) ?? "" }
            return german(captured)
        }
        return translated(OperationError(.invalid, message), language)
    }

    nonisolated(unsafe) private static let patterns: [(Regex<AnyRegexOutput>, ([String]) -> String)] = [
        (
            try! Regex(#"invalid filter at column (\d+): (.*)"#),
            { "Fehler im Filter an Stelle \($0[0]): \($0[1])" }
        ),
        (try! Regex(#"invalid address: (.*)"#), { "Das ist keine gültige E-Mail-Adresse (\($0[0]))." }),
        (try! Regex(#"list '(.*)' exists already"#), { "Die Liste „\($0[0])“ gibt es schon." }),
        (try! Regex(#"segment '(.*)' exists already"#), { "Das Segment „\($0[0])“ gibt es schon." }),
        (try! Regex(#"no list '([^']*)'.*"#), { "Die Liste „\($0[0])“ gibt es nicht." }),
        (try! Regex(#"no segment '([^']*)'.*"#), { "Das Segment „\($0[0])“ gibt es nicht." }),
        (
            try! Regex(#"invalid (list|segment) slug '(.*)': .*"#),
            { "Die Kurzbezeichnung „\($0[1])“ geht nicht: bitte 1–64 Zeichen aus a–z, 0–9 und '-'." }
        ),
        (
            try! Regex(#"segment '(.*)' is used by send (\d+) \((.*)\); .*"#),
            { "Das Segment „\($0[0])“ wird von Versand \($0[1]) verwendet; brechen Sie diesen Versand zuerst ab." }
        ),
        (try! Regex(#"only admins may (.*)"#), { _ in "Das dürfen nur Administratorinnen und Administratoren." }),
        (try! Regex(#"(.*) has an account already"#), { "\($0[0]) hat schon ein Konto." }),
        (try! Regex(#"no user (.*) \(see: .*\)"#), { "Ein Konto \($0[0]) gibt es nicht." }),
        (
            try! Regex(#"an API key named '(.*)' exists already"#),
            { "Einen gültigen Schlüssel „\($0[0])“ gibt es schon." }
        ),
        (
            try! Regex(#"no working API key named '(.*)' \(see: .*\)"#),
            { "Einen gültigen Schlüssel „\($0[0])“ gibt es nicht." }
        ),
        (
            try! Regex(#"no member of (.*) has the attribute (.*) \(a typo, or missing on everyone\?\)"#),
            { "Kein Mitglied von \($0[0]) hat das Merkmal „\($0[1])“ (ein Tippfehler, oder fehlt es bei allen?)" }
        ),
    ]

    /// German for the fixed messages of the list, segment, user and key operations.
    static let listsAndUsersGerman: [String: String] = [
        "a list needs a one-line name": "Eine Liste braucht einen einzeiligen Namen.",
        "a list's name may have at most 200 characters, its description 2,000":
            "Der Name einer Liste darf höchstens 200 Zeichen haben, ihre Beschreibung 2.000.",
        "a segment needs a one-line name": "Ein Segment braucht einen einzeiligen Namen.",
        "nothing to change: give a name or a filter": "Es gibt nichts zu ändern.",
        "a name must be one line of at most 200 characters": "Ein Name muss eine Zeile mit höchstens 200 Zeichen sein.",
        "the code is wrong or was used already": "Der Code ist falsch oder wurde schon verwendet.",
        "the sign-in has expired; please give your password again":
            "Die Anmeldung ist abgelaufen. Bitte geben Sie Ihr Passwort noch einmal ein.",
        "two-factor sign-in is not being set up; start again":
            "Die Einrichtung läuft nicht (mehr). Bitte beginnen Sie noch einmal.",
        "an API key's name must be one line of 1 to 64 characters":
            "Der Name eines Schlüssels muss eine Zeile mit 1 bis 64 Zeichen sein.",
    ]

    /// A date as the console shows it, in the delivery time zone.
    func shown(_ date: Date?) -> String {
        guard let date else { return "" }
        return SendTime.format(date, timeZone: configuration.delivery.timezone)
    }
}
