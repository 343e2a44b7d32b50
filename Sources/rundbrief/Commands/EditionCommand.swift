import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefMail
import RundbriefStore

struct EditionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edition", abstract: "Add, list, show, preview, render and test-send editions.",
        subcommands: [Add.self, List.self, Show.self, Preview.self, Render.self, TestSend.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store an edition from a Markdown file with front matter (or update the one with its slug).",
            discussion:
                "The edition is rendered through its template once, so a broken template fails here, not at send time.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition file (Markdown with YAML front matter).") var file: String
        @Flag(help: "Print the stored edition as JSON.") var json = false

        func run() throws {
            try reporting {
                let source = try parseEdition(path: file)
                let (config, database) = try global.open()
                let list = try database.list(slug: source.list)
                _ = try renderEdition(source, config: config, list: list)
                let text = String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
                let edition = Edition(
                    slug: source.slug, subject: source.subject, preheader: source.preheader, listSlug: source.list,
                    template: source.template, markdown: source.markdown,
                    frontMatter: source.extra.compactMapValues(\.text), source: text,
                    sourcePath: URL(fileURLWithPath: file).path)
                let (stored, created) = try database.saveEdition(edition)
                if json {
                    try Output.json(EditionJSON(stored, includeBody: false))
                } else {
                    Output.line("\(created ? "added" : "updated") edition \(stored.slug): \(stored.subject)")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List editions, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of edition objects (slug, subject, list, times).") var json = false

        func run() throws {
            try reporting {
                let (_, database) = try global.open()
                let editions = try database.editions()
                if json {
                    try Output.json(editions.map { EditionJSON($0, includeBody: false) })
                    return
                }
                Output.table(
                    ["SLUG", "LIST", "UPDATED", "SUBJECT"],
                    editions.map { [$0.slug, $0.listSlug, Output.timestamp.string(from: $0.updatedAt), $0.subject] })
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one edition with its Markdown.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String
        @Flag(help: "Print the edition as a JSON object.") var json = false

        func run() throws {
            try reporting {
                let (_, database) = try global.open()
                let edition = try database.edition(edition)
                if json {
                    try Output.json(EditionJSON(edition, includeBody: true))
                    return
                }
                Output.line("slug:      \(edition.slug)")
                Output.line("subject:   \(edition.subject)")
                Output.line("preheader: \(edition.preheader)")
                Output.line("list:      \(edition.listSlug)")
                Output.line("template:  \(edition.template)")
                Output.line("updated:   \(Output.timestamp.string(from: edition.updatedAt))")
                Output.line("")
                Output.line(edition.markdown)
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the edition's HTML part to a file, to open in a browser.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String
        @Option(help: "The HTML file to write.") var out: String
        @Option(help: "Personalise for this subscriber (default: a sample name).") var to: String?
        @Flag(help: "Write the text/plain part instead.") var text = false

        func run() throws {
            try reporting {
                let (config, database) = try global.open()
                let edition = try database.edition(edition)
                let source = try parseEdition(text: edition.source, fileName: edition.sourcePath ?? edition.slug)
                let list = try database.list(slug: edition.listSlug)
                let rendered = try renderEdition(source, config: config, list: list)
                var name = "Erika Mustermann"
                var email = "erika.mustermann@example.org"
                var attributes: [String: String] = [:]
                if let to {
                    guard let subscriber = try database.subscriber(try parseAddress(to)) else {
                        throw CommandFailure("no subscriber with that address", exitCode: 66)
                    }
                    (name, email, attributes) = (subscriber.name, subscriber.email, subscriber.attributes)
                }
                let value: (Slot) -> String = { slot in
                    switch slot {
                    case .name: name
                    case .email: email
                    case .unsubscribeURL: "\(config.http.baseURL)/unsubscribe?token=preview"
                    case .attribute(let key): attributes[key] ?? ""
                    }
                }
                let body = text ? rendered.textBody(value) : rendered.htmlBody(value)
                guard FileManager.default.createFile(atPath: out, contents: Data(body.utf8)) else {
                    throw CommandFailure("cannot write \(out)", exitCode: 73)
                }
                Output.line("wrote \(out)")
            }
        }
    }
}

extension EditionCommand {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the exact message one recipient would get (.eml), signed and personalised.",
            discussion: "For a known subscriber the unsubscribe link is their real, working one.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String
        @Option(help: "The recipient's address.") var to: String
        @Option(help: "The .eml file to write.") var out: String

        func run() throws {
            try reporting {
                let (config, database) = try global.open()
                let message = try buildMessage(
                    edition: edition, to: to, config: config, database: database, marked: false)
                guard FileManager.default.createFile(atPath: out, contents: Data(message.data)) else {
                    throw CommandFailure("cannot write \(out)", exitCode: 73)
                }
                Output.line("wrote \(out) (\(message.data.count) bytes, envelope sender \(message.envelopeFrom))")
            }
        }
    }

    struct TestSend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-send", abstract: "Send one copy of the edition to an address now, through [smtp].")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String
        @Option(help: "The recipient's address.") var to: String

        func run() async throws {
            let (config, message) = try reporting {
                let (config, database) = try global.open()
                return (
                    config,
                    try buildMessage(edition: edition, to: to, config: config, database: database, marked: true)
                )
            }
            var settings = CurlSMTPTransport.Configuration(smtp: config.smtp)
            settings.concurrency = 1
            let transport = try reporting {
                do {
                    return try CurlSMTPTransport(configuration: settings)
                } catch {
                    throw CommandFailure("configuration error: smtp.url: \(error)", exitCode: 78)
                }
            }
            let outcome = await transport.send(message)
            await transport.shutdown()
            let reply = outcome.reply.map { "\($0.code) \($0.text)" } ?? outcome.detail ?? ""
            guard outcome.isDelivered else {
                Output.error("not sent (\(outcome.classification), at \(outcome.stage)): \(reply)")
                throw ExitCode(69)  // EX_UNAVAILABLE
            }
            Output.line("sent to \(message.recipient): \(reply)")
        }
    }
}

/// The message `edition render` and `test-send` produce: built by the same `EditionMailer` as a send.
///
/// For an address that is not a subscriber the message has no unsubscribe token and no "you are
/// subscribed" sentence; `marked` (test-send) adds the configured subject prefix and header.
private func buildMessage(
    edition slug: String, to raw: String, config: Configuration, database: AppDatabase, marked: Bool
) throws -> OutgoingMessage {
    let address = try parseAddress(raw)
    let edition = try database.edition(slug)
    let source = try parseEdition(text: edition.source, fileName: edition.sourcePath ?? edition.slug)
    let list = try database.list(slug: edition.listSlug)
    let subscriber = try database.subscriber(address)
    var marking = TestSendMarking(sender: config.sender, recipientIsSubscriber: subscriber != nil)
    if !marked { (marking.subjectPrefix, marking.header) = ("", nil) }
    do {
        let mailer = try EditionMailer(
            configuration: config, edition: source, list: list,
            templates: try TemplateLibrary(directory: config.templates.directory), tokens: try config.tokens.signer(),
            dkim: try config.dkim.signers(), sendID: 0, issued: Date(), test: marking)
        let domain = config.sender.bounceDomain
        return try mailer.message(
            subscriberID: subscriber?.id ?? 0, email: address.value, name: subscriber?.name ?? "",
            attributes: subscriber?.attributes ?? [:], deliveryID: nil, date: Date(),
            messageID: try MessageID("test.\(UUID().uuidString.lowercased())@\(domain)"))
    } catch let failure as CommandFailure {
        throw failure
    } catch {
        throw CommandFailure("\(error)", exitCode: 65)
    }
}

/// An edition as the edition commands print it.
struct EditionJSON: Encodable {
    var id: Int64?
    var slug: String
    var subject: String
    var preheader: String
    var list: String
    var template: String
    var createdAt: Date
    var updatedAt: Date
    var markdown: String?

    init(_ edition: Edition, includeBody: Bool) {
        id = edition.id
        slug = edition.slug
        subject = edition.subject
        preheader = edition.preheader
        list = edition.listSlug
        template = edition.template
        createdAt = edition.createdAt
        updatedAt = edition.updatedAt
        markdown = includeBody ? edition.markdown : nil
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, subject, preheader, list, template, markdown
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// Reads an edition file, failing with its file and line.
func parseEdition(path: String) throws -> EditionSource {
    do {
        return try EditionSource(path: path)
    } catch {
        throw CommandFailure("\(error)", exitCode: 65)
    }
}

func parseEdition(text: String, fileName: String) throws -> EditionSource {
    do {
        return try EditionSource(text: text, fileName: fileName)
    } catch {
        throw CommandFailure("\(error)", exitCode: 65)
    }
}

/// Loads the templates and renders `source` once, failing with the template's file and line.
func renderEdition(_ source: EditionSource, config: Configuration, list: MailingList) throws -> RenderedEdition {
    do {
        let library = try TemplateLibrary(directory: config.templates.directory)
        let context = RenderContext(configuration: config, listName: list.name, listSlug: list.slug, date: Date())
        return try library.render(source, context: context)
    } catch {
        throw CommandFailure("\(error)", exitCode: 65)
    }
}
