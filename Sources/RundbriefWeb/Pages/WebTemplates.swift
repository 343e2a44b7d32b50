import RundbriefApp
import RundbriefCore
import Synchronization

/// The page and mail templates in force. `reload()` (SIGHUP) compiles a fresh set first and swaps it
/// in only when every template compiled, so a broken edit never takes the pages down.
public final class WebTemplates: Sendable {
    private let directory: String
    private let current: Mutex<(pages: PageRenderer, mails: MailTemplates, editions: [String: TemplateLibrary])>

    init(directory: String) async throws {
        self.directory = directory
        current = Mutex(try await Self.load(directory))
    }

    var pages: PageRenderer { current.withLock { $0.pages } }
    var mails: MailTemplates { current.withLock { $0.mails } }
    /// The edition layout `template` (and only what it uses), for the archive's web versions; read
    /// on first use and kept until the next reload, so a broken draft layout cannot stop the pages.
    func editions(for template: String) throws -> TemplateLibrary {
        if let cached = current.withLock({ $0.editions[template] }) { return cached }
        let library = try TemplateFolder(directory: directory).library(for: template)
        current.withLock { $0.editions[template] = library }
        return library
    }

    /// Compiles the templates again and puts them in force.
    /// - Throws: `WebError` naming the broken template; the running templates stay.
    public func reload() async throws {
        let fresh = try await Self.load(directory)
        current.withLock { $0 = fresh }
    }

    private static func load(_ directory: String) async throws -> (
        pages: PageRenderer, mails: MailTemplates, editions: [String: TemplateLibrary]
    ) {
        let editions: [String: TemplateLibrary]
        do {
            editions = ["edition": try TemplateFolder(directory: directory).library(for: "edition")]
        } catch {
            throw WebError(.templates, "\(error)")
        }
        return (
            try await PageRenderer(directory: directory + "/web"),
            try await MailTemplates(directory: directory + "/mail"),
            editions
        )
    }
}
