import RundbriefCore
import Synchronization

/// The page and mail templates in force. `reload()` (SIGHUP) compiles a fresh set first and swaps it
/// in only when every template compiled, so a broken edit never takes the pages down.
public final class WebTemplates: Sendable {
    private let directory: String
    private let current: Mutex<(pages: PageRenderer, mails: MailTemplates, editions: TemplateLibrary)>

    init(directory: String) async throws {
        self.directory = directory
        current = Mutex(try await Self.load(directory))
    }

    var pages: PageRenderer { current.withLock { $0.pages } }
    var mails: MailTemplates { current.withLock { $0.mails } }
    /// The edition layouts, for the archive's web versions.
    var editions: TemplateLibrary { current.withLock { $0.editions } }

    /// Compiles the templates again and puts them in force.
    /// - Throws: `WebError` naming the broken template; the running templates stay.
    public func reload() async throws {
        let fresh = try await Self.load(directory)
        current.withLock { $0 = fresh }
    }

    private static func load(_ directory: String) async throws -> (
        pages: PageRenderer, mails: MailTemplates, editions: TemplateLibrary
    ) {
        let editions: TemplateLibrary
        do {
            editions = try TemplateLibrary(directory: directory)
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
