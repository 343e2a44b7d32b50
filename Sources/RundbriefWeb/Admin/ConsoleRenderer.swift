import Crypto
import Foundation
import Mustache

/// Renders the console's pages from `templates/admin`: a `layout.mustache` parent with an inline
/// `style.css` whose SHA-256 is the only style the Content-Security-Policy allows; no script, no
/// external asset.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: String
    let contentSecurityPolicy: String

    /// The pages, each in `de/` and `en/`.
    enum Page: String, CaseIterable {
        case signIn = "sign-in"
        case password
        case dashboard
        case error
    }

    /// - Throws: `WebError` naming a missing or broken template.
    init(directory: String) async throws {
        let cssPath = directory + "/style.css"
        guard let css = FileManager.default.contents(atPath: cssPath) else {
            throw WebError(.templates, "cannot read \(cssPath)")
        }
        stylesheet = String(decoding: css, as: UTF8.self)
        do {
            library = try await MustacheLibrary(directory: directory)
        } catch let error as MustacheLibrary.ParserError {
            throw WebError(.templates, "\(directory)/\(error.filename):\(error.context.lineNumber): \(error.error)")
        }
        for language in Language.allCases {
            for page in Page.allCases where library.getTemplate(named: "\(language.rawValue)/\(page.rawValue)") == nil {
                throw WebError(
                    .templates, "missing template \(directory)/\(language.rawValue)/\(page.rawValue).mustache")
            }
        }
        let digest = Data(SHA256.hash(data: Array(stylesheet.utf8))).base64EncodedString()
        contentSecurityPolicy =
            "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    /// Renders `page`; values are HTML-escaped by the templates' `{{ }}`.
    func render(_ page: Page, language: Language, values: [String: Any]) -> String {
        var context = values
        context["lang"] = language.rawValue
        context["lang_\(language.rawValue)"] = true
        context["css"] = stylesheet
        return library.render(context, withTemplate: "\(language.rawValue)/\(page.rawValue)") ?? ""
    }
}
