import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefStore

struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "Named filters over a list's members, to send to part of a list.",
        discussion: """
            A filter reads subscriber fields and attributes: kommune = "Unna", kreis in ("Unna", "Soest"),
            rolle != "Presse", has telefon, subscribed_before "2025-01-01", combined with and, or, not and
            parentheses (see the README's Segments section). Use one with
            `rundbrief send schedule EDITION --list LIST --segment SLUG`.
            """,
        subcommands: [Create.self, List.self, Show.self, Update.self, Remove.self, Count.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a segment of a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segment's slug (a–z, 0–9, '-').") var slug: String
        @Option(help: "The list whose members it selects.") var list: String
        @Option(name: .customLong("where"), help: "The filter, e.g. 'kommune = \"Unna\"'.") var filter: String
        @Option(help: "A name for editors (default: the slug).") var name: String?
        @Flag(help: "Print the segment as JSON.") var json = false

        func run() throws {
            try reporting {
                let detail = try global.operations().createSegment(
                    slug: slug, list: list, expression: filter, name: name)
                if json {
                    try Output.json(SegmentJSON(detail.summary, count: detail.count, warnings: detail.warnings))
                    return
                }
                for warning in detail.warnings { Output.note("warning: \(warning)") }
                Output.line(
                    "created segment \(slug) of \(list): \(detail.count) active member\(detail.count == 1 ? " matches" : "s match") now"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every segment.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of segment objects.") var json = false

        func run() throws {
            try reporting {
                let segments = try global.operations().segments()
                if json {
                    try Output.json(segments.map { SegmentJSON($0) })
                    return
                }
                Output.table(
                    ["SLUG", "LIST", "NAME", "WHERE"],
                    segments.map { [$0.segment.slug, $0.list, $0.segment.name, $0.segment.expression] })
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a segment with how many active members match now.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segment's slug.") var slug: String
        @Flag(help: "Print the segment as JSON.") var json = false

        func run() throws {
            try reporting {
                let detail = try global.operations().segment(slug: slug)
                if json {
                    try Output.json(SegmentJSON(detail.summary, count: detail.count, warnings: detail.warnings))
                    return
                }
                let segment = detail.summary.segment
                Output.line("segment \(segment.slug): \(segment.name)")
                Output.line("  list:  \(detail.summary.list)")
                Output.line("  where: \(segment.expression)")
                Output.line("  count: \(detail.count) active members match now")
                for warning in detail.warnings { Output.line("  warning: \(warning)") }
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a segment's filter or name (sends already scheduled keep their filter).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segment's slug.") var slug: String
        @Option(name: .customLong("where"), help: "The new filter.") var filter: String?
        @Option(help: "The new name for editors.") var name: String?
        @Flag(help: "Print the segment as JSON.") var json = false

        func run() throws {
            try reporting {
                let detail = try global.operations().updateSegment(slug: slug, name: name, expression: filter)
                if json {
                    try Output.json(SegmentJSON(detail.summary, count: detail.count, warnings: detail.warnings))
                    return
                }
                for warning in detail.warnings { Output.note("warning: \(warning)") }
                Output.line(
                    "updated segment \(slug): \(detail.count) active member\(detail.count == 1 ? " matches" : "s match") now"
                )
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a segment (refused while a scheduled, running or paused send uses it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The segment's slug.") var slug: String

        func run() throws {
            try reporting {
                try global.operations().removeSegment(slug: slug)
                Output.line("removed segment \(slug)")
            }
        }
    }

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count a list's active members matching a filter now, without storing a segment.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The list's slug.") var list: String
        @Option(name: .customLong("where"), help: "The filter, e.g. 'kommune = \"Unna\"'.") var filter: String
        @Flag(help: "Print the count as JSON.") var json = false

        func run() throws {
            try reporting {
                let preview = try global.operations().countMembers(list: list, matching: filter)
                if json {
                    try Output.json(AudiencePreviewJSON(preview))
                    return
                }
                for warning in preview.warnings { Output.note("warning: \(warning)") }
                Output.line("\(preview.count)")
            }
        }
    }
}

/// A segment as `segments list --json` and `segments show --json` print it.
struct SegmentJSON: Encodable {
    var id: Int64
    var slug: String
    var list: String
    var name: String
    var `where`: String
    var createdAt: Date
    var updatedAt: Date
    var count: Int?
    var warnings: [String]?

    init(_ summary: SegmentSummary, count: Int? = nil, warnings: [String]? = nil) {
        id = summary.segment.id
        slug = summary.segment.slug
        list = summary.list
        name = summary.segment.name
        `where` = summary.segment.expression
        createdAt = summary.segment.createdAt
        updatedAt = summary.segment.updatedAt
        self.count = count
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, list, name, `where`, count, warnings
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
