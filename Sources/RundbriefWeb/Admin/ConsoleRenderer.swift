import Crypto
import Foundation
import Mustache

/// Renders the console's pages from `templates/admin`: a `layout.mustache` parent with an inline
/// `style.css` whose SHA-256 is the only style the Content-Security-Policy allows. Scripts are only
/// the files in `templates/admin/assets/` (served at `/assets/NAME.js`, `script-src 'self'`): every
/// page works without them; no external asset.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    let stylesheet: String
    let contentSecurityPolicy: String
    /// The scripts under `assets/`, by file name (`progress.js`), read once at start.
    let scripts: [String: [UInt8]]

    /// The pages, each in `de/` and `en/`.
    enum Page: String, CaseIterable {
        case signIn = "sign-in"
        case password
        case dashboard
        case error
        case lists, list, segment
        case users
        case totp
        case signInCode = "sign-in-code"
        case editions
        case editionEditor = "edition-editor"
        case editionRemove = "edition-remove"
        case sends
        case sendNew = "send-new"
        case sendConfirm = "send-confirm"
        case send
        case subscribers
        case subscriber
        case subscriberForget = "subscriber-forget"
        case subscriberImport = "subscriber-import"
        case bounces

        /// The navigation entry the page belongs to (`nav_<section>` marks it current in the layout).
        var section: String? {
            switch self {
            case .dashboard: "dashboard"
            case .lists, .list, .segment: "lists"
            case .users, .totp: "users"
            case .signInCode: nil
            case .editions, .editionEditor, .editionRemove: "editions"
            case .sends, .sendNew, .sendConfirm, .send: "sends"
            case .subscribers, .subscriber, .subscriberForget, .subscriberImport: "subscribers"
            case .bounces: "bounces"
            case .signIn, .password, .error: nil
            }
        }
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
        scripts = try Self.readScripts(directory + "/assets")
        let digest = Data(SHA256.hash(data: Array(stylesheet.utf8))).base64EncodedString()
        contentSecurityPolicy =
            "default-src 'none'; style-src 'sha256-\(digest)'; img-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    /// The `*.js` files of `directory` (none when it does not exist).
    static func readScripts(_ directory: String) throws -> [String: [UInt8]] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var scripts: [String: [UInt8]] = [:]
        for name in names where name.hasSuffix(".js") {
            guard let bytes = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw WebError(.templates, "cannot read \(directory)/\(name)")
            }
            scripts[name] = Array(bytes)
        }
        return scripts
    }

    /// Renders `page`; values are HTML-escaped by the templates' `{{ }}`. A page names the scripts it
    /// loads in `values["scripts"]` (file names under `assets/`).
    func render(_ page: Page, language: Language, values: [String: Any]) -> String {
        var context = values
        context["lang"] = language.rawValue
        context["lang_\(language.rawValue)"] = true
        context["css"] = stylesheet
        return library.render(context, withTemplate: "\(language.rawValue)/\(page.rawValue)") ?? ""
    }
}
