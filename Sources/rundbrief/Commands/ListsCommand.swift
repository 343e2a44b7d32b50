import ArgumentParser
import RundbriefStore

struct ListsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "Create and show mailing lists.",
        subcommands: [Create.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The list's slug (a–z, 0–9, '-'), used in commands and sign-up forms.")
        var slug: String
        @Option(help: "The list's name, as subscribers see it.") var name: String
        @Option(help: "A description shown on the sign-up page.") var description = ""
        @Flag(help: "Print the list as JSON.") var json = false

        func run() throws {
            try reporting {
                let (_, database) = try global.open()
                let list = try database.createList(slug: slug, name: name, description: description)
                if json {
                    try Output.json(list)
                } else {
                    Output.line("created list \(list.slug) (\(list.name))")
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
                let (_, database) = try global.open()
                let summaries = try database.listSummaries()
                if json {
                    try Output.json(summaries.map(ListJSON.init))
                    return
                }
                Output.table(
                    ["SLUG", "ACTIVE", "PENDING", "UNSUBSCRIBED", "NAME"],
                    summaries.map {
                        [$0.list.slug, "\($0.active)", "\($0.pending)", "\($0.unsubscribed)", $0.list.name]
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
    var active: Int
    var pending: Int
    var unsubscribed: Int

    init(_ summary: ListSummary) {
        id = summary.list.id
        slug = summary.list.slug
        name = summary.list.name
        description = summary.list.description
        active = summary.active
        pending = summary.pending
        unsubscribed = summary.unsubscribed
    }
}
