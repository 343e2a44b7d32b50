import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefMail
import RundbriefStore

struct EditionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edition", abstract: "Add, list, show, preview, render, test-send and remove editions.",
        subcommands: [Add.self, List.self, Show.self, Preview.self, Render.self, TestSend.self, Remove.self])

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
                let (stored, created) = try global.operations().addEdition(path: file)
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
                let editions = try global.operations().editions()
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
                let edition = try global.operations().edition(edition)
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
                let body = try global.operations().previewEdition(
                    edition, to: try to.map(parseAddress), text: text)
                guard FileManager.default.createFile(atPath: out, contents: Data(body.utf8)) else {
                    throw CommandFailure("cannot write \(out)", exitCode: 73)
                }
                Output.line("wrote \(out)")
            }
        }
    }
}

extension EditionCommand {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an edition (refused while a scheduled, running or paused send uses it).",
            discussion: "Finished sends keep their history; the slug can be added again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String

        func run() throws {
            try reporting {
                let removed = try global.operations().removeEdition(edition)
                Output.line("removed edition \(removed.slug)")
            }
        }
    }

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
                let message = try global.operations().editionMessage(
                    edition, to: try parseAddress(to), marked: false)
                guard FileManager.default.createFile(atPath: out, contents: Data(message.data)) else {
                    throw CommandFailure("cannot write \(out)", exitCode: 73)
                }
                Output.line("wrote \(out) (\(message.data.count) bytes, envelope sender \(message.envelopeFrom))")
            }
        }
    }

    struct TestSend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-send",
            abstract: "Send one marked copy of the edition to up to 10 addresses now, through [smtp].")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The edition's slug or id.") var edition: String
        @Option(help: "A recipient's address (repeat --to for up to 10).") var to: [String] = []

        func run() async throws {
            let operations = try reporting { try global.operations() }
            let results: [RundbriefApp.Operations.TestSendResult]
            do {
                results = try await operations.testSend(edition, to: to)
            } catch {
                try reporting { throw error }
                return
            }
            for result in results {
                if result.delivered {
                    Output.line("sent to \(result.address): \(result.reply)")
                } else {
                    Output.error("\(result.address): \(result.reply)")
                }
            }
            guard results.allSatisfy(\.delivered) else { throw ExitCode(69) }  // EX_UNAVAILABLE
        }
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
