import Foundation
public import RundbriefCore
public import RundbriefMail
public import RundbriefStore

extension Operations {
    /// The templates folder of the configuration: only what an edition uses is read from it.
    public var templateFolder: TemplateFolder { TemplateFolder(directory: configuration.templates.directory) }

    /// Adds the edition in the file at `path`, or updates the one with its slug.
    ///
    /// Refuses unknown front matter keys (with a "did you mean"), unknown subscriber variables, a
    /// `from:` on a domain the configuration does not allow, an edition whose send is running, and an
    /// edition that does not render through its template: each with the file and line.
    /// - Returns: the stored edition and whether it was new.
    public func addEdition(path: String) throws(OperationError) -> (edition: Edition, created: Bool) {
        let file: EditionFile
        do {
            file = try EditionFile(path: path)
        } catch {
            throw OperationError(error.code == .unreadable ? .notFound : .invalid, error.description)
        }
        return try store(file.source, text: file.text, path: file.path, seenRevision: nil)
    }

    /// The longest edition source the console and the API accept, in bytes.
    public static let maxEditionSourceBytes = 512 * 1024

    /// Saves an edition written in the console or sent through the API: `text` is the whole edition,
    /// front matter and Markdown, as a file would hold it. The same checks as ``addEdition(path:)``.
    /// - Parameters:
    ///   - slug: the edition being edited; nil for a new one, whose front matter must name its `slug:`.
    ///   - seenRevision: the revision the editor started from (`Edition.revision`); a save that did not
    ///     see a later one is refused (`.conflict`, naming who saved last and when). Ignored for a new one.
    /// - Returns: the stored edition and whether it was new.
    public func saveEdition(source text: String, slug: String?, seenRevision: Int64?) throws(OperationError)
        -> (edition: Edition, created: Bool)
    {
        let source = try parse(source: text, slug: slug)
        return try store(source, text: text, path: nil, seenRevision: slug == nil ? 0 : seenRevision)
    }

    /// Checks `source` and stores it (the one path of `addEdition` and `saveEdition`).
    private func store(_ source: EditionSource, text: String, path: String?, seenRevision: Int64?)
        throws(OperationError) -> (edition: Edition, created: Bool)
    {
        if let unknown = source.unknownKeyError { throw OperationError(.invalid, unknown.description) }
        try checkFrom(source)
        if let running = try storing({ try database.sends(ofEdition: source.slug, in: [.running]) }).first {
            throw OperationError(
                .conflict,
                "edition \(source.slug) is being sent by send \(running.id ?? 0) (running): "
                    + "change it after that send is done, or pause it first (rundbrief send pause \(running.id ?? 0))")
        }
        let list = try storing { try database.list(slug: source.list) }
        _ = try render(source, list: list)
        let edition = Edition(
            slug: source.slug, subject: source.subject, preheader: source.preheader, listSlug: source.list,
            template: source.template, markdown: source.markdown, frontMatter: source.extra.compactMapValues(\.text),
            source: text, sourcePath: path)
        let outcome = try storing {
            try database.saveEdition(edition, seenRevision: seenRevision, by: actor.name ?? actor.source, now: now)
        }
        switch outcome {
        case .saved(let stored, let created):
            audit.record(
                created ? "edition.added" : "edition.updated",
                fields: ["edition": stored.slug, "list": stored.listSlug, "revision": "\(stored.revision)"], at: now)
            return (stored, created)
        case .changedMeanwhile(let current):
            throw changedMeanwhile(current, creating: seenRevision == 0)
        }
    }

    /// The refusal of a save that did not see the edition's last change.
    private func changedMeanwhile(_ current: Edition, creating: Bool) -> OperationError {
        let when = SendTime.format(current.updatedAt, timeZone: configuration.delivery.timezone)
        let who = current.updatedBy.isEmpty ? "someone" : current.updatedBy
        if creating {
            return OperationError(
                .conflict,
                "an edition with the slug \(current.slug) exists already (saved by \(who) at \(when)); "
                    + "choose another slug, or open that edition and change it there")
        }
        let what = current.removedAt == nil ? "changed" : "removed"
        return OperationError(
            .conflict,
            "this edition was \(what) by \(who) at \(when) after you opened it; "
                + "reload it and apply your changes again")
    }

    /// Parses an edition's text sent by the console or the API; errors name the file `SLUG.md`.
    /// - Parameter requireSlug: a new edition must name its slug to be saved, not to be previewed.
    func parse(source text: String, slug: String?, requireSlug: Bool = true) throws(OperationError) -> EditionSource {
        guard text.utf8.count <= Self.maxEditionSourceBytes else {
            throw OperationError(
                .invalid, "the edition is longer than \(Self.maxEditionSourceBytes / 1024) KB; shorten it")
        }
        let source: EditionSource
        do {
            source = try EditionSource(text: text, fileName: "\(slug ?? "edition").md")
        } catch {
            throw OperationError(.invalid, error.description)
        }
        if requireSlug, slug == nil, source.keyLines["slug"] == nil {
            throw OperationError(.invalid, "a new edition needs a slug (the last part of its archive address)")
        }
        if let slug, source.slug != slug {
            throw OperationError(
                .invalid, "the front matter names the slug \(source.slug), but this is edition \(slug): a slug stays")
        }
        return source
    }

    /// Every edition, newest first.
    public func editions() throws(OperationError) -> [Edition] {
        try storing { try database.editions() }
    }

    /// Editions, newest first, a page at a time.
    /// - Parameters:
    ///   - cursor: the previous page's `nextCursor`; nil for the first page.
    ///   - limit: 1 to 500.
    public func editions(cursor: String?, limit: Int) throws(OperationError) -> (
        editions: [Edition], nextCursor: String?
    ) {
        guard (1...500).contains(limit) else { throw OperationError(.invalid, "limit must be between 1 and 500") }
        var before: Int64?
        if let cursor {
            // A cursor is the last id of the previous page, as this server wrote it.
            guard (1...18).contains(cursor.utf8.count), cursor.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let id = Int64(cursor)
            else { throw OperationError(.invalid, "the cursor is not one this server gave out") }
            before = id
        }
        let page = try storing { try database.editions(before: before, limit: limit) }
        return (page.editions, page.more ? page.editions.last?.id.map { "\($0)" } : nil)
    }

    /// One edition, by slug or id.
    public func edition(_ slug: String) throws(OperationError) -> Edition {
        try storing { try database.edition(slug) }
    }

    /// Removes an edition; refused (naming the send) while a scheduled, running or paused send uses it.
    /// Finished sends keep their history and the slug can be added again.
    @discardableResult
    public func removeEdition(_ slug: String) throws(OperationError) -> Edition {
        let removed = try storing { try database.removeEdition(slug, by: actor.name ?? actor.source, now: now) }
        audit.record("edition.removed", fields: ["edition": removed.slug], at: now)
        return removed
    }

    /// Renders the stored edition once for a sample subscriber, as a send to `list` (default: the
    /// edition's own list) would: `send schedule` calls this so a broken template or edition fails
    /// then, with its file and line, not at send time.
    /// - Throws: ``OperationError`` `.invalid` naming the file and line of the problem.
    @discardableResult
    public func renderEditionOnce(_ slug: String, list listSlug: String? = nil) throws(OperationError)
        -> RenderedEdition
    {
        let edition = try storing { try database.edition(slug) }
        let list = try storing { try database.list(slug: listSlug ?? edition.listSlug) }
        return try render(try parse(edition), list: list)
    }

    /// The edition's HTML (or, `text`, plain-text) part for one subscriber (by address) or a sample one.
    public func previewEdition(_ slug: String, to address: EmailAddress?, text: Bool) throws(OperationError)
        -> String
    {
        let edition = try storing { try database.edition(slug) }
        let preview = try preview(try parse(edition), to: address)
        return text ? preview.text : preview.html
    }

    /// The same, for a subscriber's address as typed (an unknown edition is named before a bad address).
    public func previewEdition(_ slug: String, subscriber: String?, text: Bool) throws(OperationError) -> String {
        _ = try edition(slug)
        let address = try subscriber.flatMap { $0.isEmpty ? nil : $0 }.map { raw throws(OperationError) in
            try Self.address(raw)
        }
        return try previewEdition(slug, to: address, text: text)
    }

    /// An edition rendered for reading before it goes out.
    public struct EditionPreview: Sendable, Equatable {
        /// The HTML part, with its own inline styles.
        public var html: String
        /// The text/plain part.
        public var text: String
    }

    /// Renders an edition as the console's editor holds it, unsaved, for one subscriber (by address) or
    /// a sample one, after the same checks a save makes (nothing is stored).
    /// - Parameter slug: the edition being edited; nil for a new one.
    public func previewEdition(source text: String, slug: String?, to address: EmailAddress?) throws(OperationError)
        -> EditionPreview
    {
        let source = try parse(source: text, slug: slug, requireSlug: false)
        if let unknown = source.unknownKeyError { throw OperationError(.invalid, unknown.description) }
        try checkFrom(source)
        return try preview(source, to: address)
    }

    /// The same, for a subscriber's address as typed (empty or nil: a sample subscriber).
    public func previewEdition(source text: String, slug: String?, subscriber: String?) throws(OperationError)
        -> EditionPreview
    {
        let address = try subscriber.flatMap { $0.isEmpty ? nil : $0 }.map { raw throws(OperationError) in
            try Self.address(raw)
        }
        return try previewEdition(source: text, slug: slug, to: address)
    }

    /// Both parts of `source` for `address` (a sample subscriber when nil).
    private func preview(_ source: EditionSource, to address: EmailAddress?) throws(OperationError) -> EditionPreview {
        let list = try storing { try database.list(slug: source.list) }
        let rendered = try render(source, list: list)
        var recipient = (
            name: "Erika Mustermann", email: "erika.mustermann@example.org", attributes: [String: String]()
        )
        if let address {
            guard let subscriber = try storing({ try database.subscriber(address) }) else {
                throw OperationError(.notFound, "no subscriber with that address")
            }
            recipient = (subscriber.name, subscriber.email, subscriber.attributes)
        }
        let unsubscribe = "\(configuration.http.baseURL)/unsubscribe?token=preview"
        let value: (Slot) -> String = { slot in
            switch slot {
            case .name: recipient.name
            case .email: DisplayText.address(recipient.email)
            case .unsubscribeURL: unsubscribe
            case .attribute(let key): recipient.attributes[key] ?? ""
            }
        }
        return EditionPreview(html: rendered.htmlBody(value), text: rendered.textBody(value))
    }

    /// The exact message `address` would get (`edition render`), or a marked test message (`test-send`),
    /// built by the same `EditionMailer` as a send. For an address that is not a subscriber the message
    /// has no unsubscribe token and no "you are subscribed" sentence.
    public func editionMessage(_ slug: String, to address: EmailAddress, marked: Bool) throws(OperationError)
        -> OutgoingMessage
    {
        let edition = try storing { try database.edition(slug) }
        let source = try parse(edition)
        let list = try storing { try database.list(slug: edition.listSlug) }
        let subscriber = try storing { try database.subscriber(address) }
        var marking = TestSendMarking(sender: configuration.sender, recipientIsSubscriber: subscriber != nil)
        if !marked { (marking.subjectPrefix, marking.header) = ("", nil) }
        do {
            let mailer = try EditionMailer(
                configuration: configuration, edition: source, list: list,
                templates: try templateFolder.library(for: source.template), tokens: try configuration.tokens.signer(),
                dkim: try configuration.dkim.signers(), sendID: 0, issued: now, test: marking)
            let domain = configuration.sender.bounceDomain
            return try mailer.message(
                subscriberID: subscriber?.id ?? 0, email: address.value, name: subscriber?.name ?? "",
                attributes: subscriber?.attributes ?? [:], deliveryID: nil, date: now,
                messageID: try MessageID("test.\(UUID().uuidString.lowercased())@\(domain)"))
        } catch {
            throw OperationError(.invalid, "\(error)")
        }
    }

    /// The stored edition parsed again from its source (what a send renders from).
    func parse(_ edition: Edition) throws(OperationError) -> EditionSource {
        do {
            return try EditionSource(text: edition.source, fileName: edition.sourcePath ?? edition.slug)
        } catch {
            throw OperationError(.invalid, error.description)
        }
    }

    /// Renders `source` once through the templates it uses.
    func render(_ source: EditionSource, list: MailingList) throws(OperationError) -> RenderedEdition {
        do {
            let library = try templateFolder.library(for: source.template)
            let context = RenderContext(
                configuration: configuration, listName: list.name, listSlug: list.slug, date: now)
            return try library.render(source, context: context)
        } catch {
            throw OperationError(.invalid, error.description)
        }
    }

    /// `from:` must be an address on the sender's domain, the DKIM domain or `sender.allowed_from_domains`
    /// (anything else fails DMARC, or lets an edition pose as somebody else).
    private func checkFrom(_ source: EditionSource) throws(OperationError) {
        guard let raw = source.fromParts?.address else { return }
        let location = "\(source.fileName):\(source.keyLines["from"] ?? 2)"
        let address: EmailAddress
        do {
            address = try EmailAddress(raw)
        } catch {
            throw OperationError(.invalid, "\(location): 'from' is not a valid address: \(error.reason)")
        }
        let sender = configuration.sender
        var allowed = Set(sender.allowedFromDomains.map { $0.lowercased() })
        if let own = try? EmailAddress(sender.address) { allowed.insert(own.domain) }
        if !configuration.dkim.domain.isEmpty { allowed.insert(configuration.dkim.domain.lowercased()) }
        guard allowed.contains(address.domain.lowercased()) else {
            throw OperationError(
                .invalid,
                "\(location): 'from' uses the domain \(address.domain), which this sender may not use "
                    + "(allowed: \(allowed.sorted().joined(separator: ", ")); add it to sender.allowed_from_domains)")
        }
    }
}
