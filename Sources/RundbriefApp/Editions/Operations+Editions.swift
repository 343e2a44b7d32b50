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
        let source = file.source
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
            source: file.text, sourcePath: file.path)
        let saved = try storing { try database.saveEdition(edition, now: now) }
        audit.record(
            saved.created ? "edition.added" : "edition.updated",
            fields: ["edition": saved.edition.slug, "list": saved.edition.listSlug], at: now)
        return saved
    }

    /// Every edition, newest first.
    public func editions() throws(OperationError) -> [Edition] {
        try storing { try database.editions() }
    }

    /// One edition, by slug or id.
    public func edition(_ slug: String) throws(OperationError) -> Edition {
        try storing { try database.edition(slug) }
    }

    /// Removes an edition; refused (naming the send) while a scheduled, running or paused send uses it.
    /// Finished sends keep their history and the slug can be added again.
    @discardableResult
    public func removeEdition(_ slug: String) throws(OperationError) -> Edition {
        let removed = try storing { try database.removeEdition(slug, now: now) }
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
        let list = try storing { try database.list(slug: edition.listSlug) }
        let rendered = try render(try parse(edition), list: list)
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
        return text ? rendered.textBody(value) : rendered.htmlBody(value)
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
