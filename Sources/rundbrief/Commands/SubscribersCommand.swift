import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefStore

struct SubscribersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Add, show, list, remove, import, export and forget subscribers.",
        subcommands: [
            Add.self, Show.self, List.self, Remove.self, Forget.self, ImportCommand.self,
            ExportCommand.self,
        ])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a subscriber to a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var address: String
        @Option(help: "The list's slug.") var list: String
        @Option(help: "The subscriber's name.") var name = ""
        @Option(help: "active (consent given elsewhere) or pending (awaits confirmation).") var status =
            "active"
        @Option(name: .customLong("attribute"), help: "An attribute as key=value (repeatable).")
        var attributes: [String] = []
        @Flag(help: "Print the subscriber as JSON.") var json = false

        func run() throws {
            try reporting {
                let subscriber = try global.operations().addSubscriber(
                    address, list: list, name: name, status: status, attributes: attributes)
                if json {
                    try Output.json(subscriber)
                } else {
                    Output.line("added \(subscriber.email) to \(list) (\(subscriber.status.rawValue))")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one subscriber: data, lists and history (with --json: the GDPR export).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var address: String
        @Flag(help: "Print one JSON object: the subscriber's fields, `lists` and `events`.") var json =
            false

        func run() throws {
            try reporting {
                let detail = try global.operations().subscriber(address)
                if json {
                    try Output.json(detail)
                    return
                }
                let subscriber = detail.subscriber
                Output.line("email:    \(subscriber.email)")
                Output.line("name:     \(subscriber.name)")
                Output.line("status:   \(subscriber.status.rawValue)")
                Output.line("since:    \(Output.timestamp.string(from: subscriber.createdAt))")
                if let consent = subscriber.consentMethod {
                    Output.line(
                        "consent:  \(consent) \(subscriber.consentAt.map(Output.timestamp.string(from:)) ?? "")"
                    )
                }
                for (key, value) in subscriber.attributes.sorted(by: { $0.key < $1.key }) {
                    Output.line("\(key): \(value)")
                }
                Output.line("lists:")
                for membership in detail.lists {
                    Output.line("  \(membership.list) \(membership.status.rawValue)")
                }
                Output.line("history:")
                for event in detail.events {
                    Output.line(
                        "  \(Output.timestamp.string(from: event.createdAt)) \(event.kind) (\(event.source))")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subscribers.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only members of this list.") var list: String?
        @Option(
            help: """
                Only subscribers in this status (pending, active, unsubscribed, bounced, complained); with --list, \
                the status in that list, as `lists list` counts it.
                """)
        var status: String?
        @Flag(help: "Print an array of subscriber objects.") var json = false

        func run() throws {
            try reporting {
                let operations = try global.operations()
                if json {
                    try JSONArrayWriter.write { emit in
                        try operations.forEachSubscriber(list: list, status: status) { subscriber, _ in
                            try emit(subscriber)
                        }
                    }
                    return
                }
                var count = 0
                try operations.forEachSubscriber(list: list, status: status) { subscriber, membership in
                    count += 1
                    // With --list, the status in that list: what the filter looked at.
                    let shown = membership?.rawValue ?? subscriber.status.rawValue
                    Output.line("\(subscriber.email)\t\(shown)\t\(subscriber.name)")
                }
                Output.note("\(count) subscriber\(count == 1 ? "" : "s")")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unsubscribe an address from one list, or from all (the record stays; see forget).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var address: String
        @Option(help: "Only from this list (default: from every list).") var list: String?

        func run() throws {
            try reporting {
                let changed = try global.operations().unsubscribe(address, list: list)
                Output.line(
                    changed
                        ? "unsubscribed \(address)\(list.map { " from \($0)" } ?? " from every list")"
                        : "nothing to change: already unsubscribed")
            }
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Erase a subscriber's personal data (GDPR Art. 17); a hashed entry keeps imports from adding them back."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The email address.") var address: String

        func run() throws {
            try reporting {
                let known = try global.operations().forgetSubscriber(address)
                Output.line(
                    known
                        ? "forgot the subscriber; the address is suppressed"
                        : "no such subscriber; the address is suppressed all the same")
            }
        }
    }
}

/// Writes a JSON array element by element, so a long list is never held in memory at once.
enum JSONArrayWriter {
    static func write<T: Encodable>(_ produce: ((T) throws -> Void) throws -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let out = FileHandle.standardOutput
        var first = true
        var buffer = Data("[".utf8)
        try produce { element in
            if !first { buffer.append(contentsOf: Array(",".utf8)) }
            first = false
            buffer.append(contentsOf: Array("\n  ".utf8))
            buffer.append(try encoder.encode(element))
            if buffer.count > 64 * 1024 {
                out.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        buffer.append(contentsOf: Array((first ? "]\n" : "\n]\n").utf8))
        out.write(buffer)
    }
}
