import ArgumentParser
import RundbriefApp
import RundbriefStore

struct ListsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "Create, change and show mailing lists.",
        discussion: """
            A list is public (the sign-up form offers it, the archive shows it) unless made private; a private
            list is reached only from here (imports, sends) and a sign-up naming it is refused like an unknown one.
            """,
        subcommands: [Create.self, Update.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The list's slug (a–z, 0–9, '-'), used in commands and sign-up forms.")
        var slug: String
        @Option(help: "The list's name, as subscribers see it.") var name: String
        @Option(help: "A description shown on the sign-up page.") var description = ""
        @Flag(help: "Keep the list off the sign-up form and the archive.") var `private` = false
        @Flag(help: "Print the list as JSON.") var json = false

        func run() throws {
            try reporting {
                let list = try global.operations().createList(
                    slug: slug, name: name, description: description, isPublic: !`private`)
                if json {
                    try Output.json(list)
                } else {
                    Output.line("created \(list.isPublic ? "public" : "private") list \(list.slug) (\(list.name))")
                }
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a list's name, description or visibility.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The list's slug.") var slug: String
        @Flag(help: "Offer the list on the sign-up form and show it in the archive.") var `public` = false
        @Flag(help: "Take the list off the sign-up form and out of the archive (its members stay).")
        var `private` = false
        @Option(help: "The new name, as subscribers see it.") var name: String?
        @Option(help: "The new description shown on the sign-up page.") var description: String?
        @Flag(help: "Print the list as JSON.") var json = false

        func validate() throws {
            if `public` && `private` { throw ValidationError("--public and --private exclude each other") }
        }

        func run() throws {
            try reporting {
                let visibility: Bool? = `public` ? true : (`private` ? false : nil)
                let list = try global.operations().updateList(
                    slug: slug, name: name, description: description, isPublic: visibility)
                if json {
                    try Output.json(list)
                } else {
                    Output.line("updated \(list.isPublic ? "public" : "private") list \(list.slug) (\(list.name))")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every list with its subscriber counts.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of list objects.") var json = false

        func run() throws {
            try reporting {
                let summaries = try global.operations().lists()
                if json {
                    try Output.json(summaries.map(ListJSON.init))
                    return
                }
                Output.table(
                    ["SLUG", "VISIBILITY", "ACTIVE", "PENDING", "UNSUBSCRIBED", "NAME"],
                    summaries.map {
                        [
                            $0.list.slug, $0.list.isPublic ? "public" : "private", "\($0.active)", "\($0.pending)",
                            "\($0.unsubscribed)", $0.list.name,
                        ]
                    })
            }
        }
    }
}

/// A list as `lists list --json` prints it: the list's fields with its counts.
struct ListJSON: Encodable {
    var id: Int64?
    var slug: String
    var name: String
    var description: String
    var `public`: Bool
    var active: Int
    var pending: Int
    var unsubscribed: Int

    init(_ summary: ListSummary) {
        id = summary.list.id
        slug = summary.list.slug
        name = summary.list.name
        description = summary.list.description
        `public` = summary.list.isPublic
        active = summary.active
        pending = summary.pending
        unsubscribed = summary.unsubscribed
    }
}
