import Crypto
import Foundation
import Mustache

/// Renders the subscriber pages from `templates/web`: a shared `layout.mustache` parent with an
/// inline `style.css`, and one folder per language (`de/`, `en/`) holding the pages.
///
/// The stylesheet is inlined so no external asset is needed; its SHA-256 goes into the
/// Content-Security-Policy, which therefore allows exactly this CSS and nothing else.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: String
    /// The `Content-Security-Policy` value matching the inline stylesheet.
    public let contentSecurityPolicy: String

    /// Loads the page templates.
    /// - Parameter directory: the `templates/web` folder.
    /// - Throws: `WebError` naming the file that is missing or does not parse.
    public init(directory: String) async throws {
        let cssPath = directory + "/style.css"
        guard let css = FileManager.default.contents(atPath: cssPath) else {
            throw WebError(.templates, "cannot read \(cssPath)")
        }
        stylesheet = String(decoding: css, as: UTF8.self)
        do {
            library = try await MustacheLibrary(directory: directory)
        } catch let error as MustacheLibrary.ParserError {
            throw WebError(
                .templates,
                "\(directory)/\(error.filename):\(error.context.lineNumber): \(error.error)")
        }
        for language in Language.allCases {
            for page in Page.allCases where library.getTemplate(named: page.templateName(language)) == nil {
                throw WebError(.templates, "missing template \(directory)/\(page.templateName(language)).mustache")
            }
        }
        let digest = Data(SHA256.hash(data: Array(stylesheet.utf8))).base64EncodedString()
        contentSecurityPolicy =
            "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    /// Renders `page` in `language`; `values` are HTML-escaped by the templates' `{{ }}`.
    public func render(_ page: Page, language: Language, values: [String: any Sendable] = [:]) -> String {
        var context: [String: Any] = values
        context["lang"] = language.rawValue
        context["lang_\(language.rawValue)"] = true
        context["css"] = stylesheet
        return library.render(context, withTemplate: page.templateName(language)) ?? ""
    }
}

/// The pages the subscriber web shows.
public enum Page: String, Sendable, CaseIterable {
    /// The sign-up form (one list, or a chooser).
    case subscribe
    /// "Check your inbox" after a sign-up.
    case checkInbox = "check-inbox"
    /// A valid confirmation link: a button confirms (link scanners fetch every GET).
    case confirm
    /// The subscription is active.
    case confirmed
    /// A confirmation link for someone who unsubscribed: a button re-subscribes.
    case confirmAgain = "confirm-again"
    /// A confirmation link that expired, was used or is not ours, with a form to ask again.
    case linkInvalid = "link-invalid"
    /// The unsubscribe page with its button (a GET never unsubscribes).
    case unsubscribe
    /// Unsubscribed, with an undo button.
    case unsubscribed
    /// Any other error: status and a short explanation.
    case error
    /// The web archive: each list's archived editions, newest first.
    case archive

    func templateName(_ language: Language) -> String { "\(language.rawValue)/\(rawValue)" }
}
