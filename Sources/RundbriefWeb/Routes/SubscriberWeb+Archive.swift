import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RundbriefCore
import RundbriefStore

extension SubscriberWeb {
    /// The archive's pages change only when a send starts: caches may keep them a few minutes
    /// and revalidate with the ETag.
    static let archiveCacheControl = "public, max-age=300"

    /// The web version of an edition renders the mail's own HTML: its inline styles need their own policy.
    static let editionContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'none'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    /// Registers the archive's routes.
    func addArchiveRoutes(to router: Router<WebRequestContext>) {
        let web = self
        router.get("/archive") { try await web.archiveIndex($0, $1) }
        router.get("/archive/:list") { try await web.archiveIndex($0, $1) }
        router.get("/archive/:list/:slug") { try await web.archivedEdition($0, $1) }
    }

    /// `GET /archive` and `GET /archive/LIST`: the archived editions per list, newest first.
    func archiveIndex(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        let slug = context.parameters.get("list")
        if let slug, try await !database.publicLists().contains(where: { $0.slug == slug }) {
            return errorPage(.notFound, language: language)
        }
        // A private list's editions are never on a public page.
        let sends = try await database.startedSends().filter(\.list.isPublic)
        let entries = ArchiveEntry.all(from: sends, list: slug)
        var lists: [[String: any Sendable]] = []
        for entry in entries where !lists.contains(where: { $0["slug"] as? String == entry.list.slug }) {
            let editions = entries.filter { $0.list.slug == entry.list.slug }.map { edition -> [String: any Sendable] in
                [
                    "subject": edition.edition.subject, "url": archiveURL(edition.list.slug, edition.edition.slug),
                    "date": edition.date(in: language, timeZone: timeZone),
                ]
            }
            lists.append([
                "name": entry.list.name, "slug": entry.list.slug, "editions": editions,
                "feed_url": archiveURL(entry.list.slug, "feed.atom"),
            ])
        }
        // As `page(_:)` fills them, but the answer is public and cacheable rather than `no-store`.
        let values: [String: any Sendable] = ["lists": lists, "baseURL": baseURL, "publisher": publisherValues()]
        let html = pages.render(.archive, language: language, values: values)
        return cacheable(
            html, contentType: "text/html; charset=utf-8", lastModified: entries.first?.published, request: request,
            extra: [.vary: "Accept-Language"])
    }

    /// `GET /archive/LIST/SLUG`: the edition as sent, rendered for nobody (no name, address or token);
    /// `GET /archive/LIST/feed.atom`: the list's Atom feed.
    func archivedEdition(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let language = language(of: request)
        guard let listSlug = context.parameters.get("list"), let slug = context.parameters.get("slug") else {
            return errorPage(.notFound, language: language)
        }
        let sends = try await database.startedSends().filter(\.list.isPublic)
        let entries = ArchiveEntry.all(from: sends, list: listSlug)
        if slug == "feed.atom" {
            guard let list = try await database.publicLists().first(where: { $0.slug == listSlug }) else {
                return errorPage(.notFound, language: language)
            }
            return try feed(list, entries, request: request)
        }
        guard let entry = entries.first(where: { $0.edition.slug == slug }) else {
            return errorPage(.notFound, language: language)
        }
        let html = try webVersion(of: entry).htmlBody { _ in "" }
        return cacheable(
            html, contentType: "text/html; charset=utf-8", lastModified: entry.published, request: request,
            extra: [.contentSecurityPolicy: Self.editionContentSecurityPolicy])
    }

    private func feed(_ list: MailingList, _ entries: [ArchiveEntry], request: Request) throws -> Response {
        let atom = AtomFeed(
            id: archiveURL(list.slug, nil), title: list.name, subtitle: list.description,
            author: configuration.sender.name, selfURL: archiveURL(list.slug, "feed.atom"),
            pageURL: archiveURL(list.slug, nil), language: configuration.web.defaultLanguage,
            updated: entries.first?.published ?? list.createdAt,
            entries: entries.map { entry in
                AtomFeed.Entry(
                    id: archiveURL(list.slug, entry.edition.slug), title: entry.edition.subject,
                    summary: entry.edition.preheader, url: archiveURL(list.slug, entry.edition.slug),
                    published: entry.published,
                    html: entry.edition.htmlForNobody)
            })
        return cacheable(
            atom.xml, contentType: "application/atom+xml; charset=utf-8", lastModified: atom.updated,
            request: request, extra: [:])
    }

    /// The edition through its mail template, with the footer of the web version and no recipient.
    private func webVersion(of entry: ArchiveEntry) throws -> RenderedEdition {
        var context = RenderContext(
            configuration: configuration, listName: entry.list.name, listSlug: entry.list.slug,
            date: entry.published)
        context.audience = .web
        return try templates.editions(for: entry.edition.template).render(entry.edition, context: context)
    }

    private var timeZone: TimeZone { TimeZone(identifier: configuration.delivery.timezone) ?? .gmt }

    /// `<base>/archive/LIST[/SLUG]`, each segment percent-encoded.
    func archiveURL(_ list: String, _ slug: String?) -> String {
        let encode = { (segment: String) in
            segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? segment
        }
        return "\(baseURL)/archive/\(encode(list))" + (slug.map { "/\(encode($0))" } ?? "")
    }

    /// A public, cacheable answer with an ETag over its body: 304 when the client has it already.
    private func cacheable(
        _ body: String, contentType: String, lastModified: Date?, request: Request, extra: HTTPFields
    ) -> Response {
        let digest = SHA256.hash(data: Array(body.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let etag = "\"\(digest)\""
        var headers = extra
        headers[.contentType] = contentType
        headers[.cacheControl] = Self.archiveCacheControl
        headers[.eTag] = etag
        if let lastModified { headers[.lastModified] = Self.httpDate(lastModified) }
        let known = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if known.contains(etag) || known.contains("*") {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7) for `Last-Modified`.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
