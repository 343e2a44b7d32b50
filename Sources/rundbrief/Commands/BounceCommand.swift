import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore
import RundbriefStore

struct BounceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce", abstract: "Parse, ingest and list bounces and complaints.",
        subcommands: [Parse.self, Ingest.self, List.self])

    /// The largest message `ingest` reads; bounces quoting huge attachments are cut (the report is at the start).
    static let maximumMessageBytes = 16 * 1024 * 1024

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what the bounce parser makes of one message (records nothing).")
        @Argument(help: "The message file (RFC 5322), or - for standard input.") var file: String
        @Flag(help: "Print {kind, recipients, delivery} as JSON.") var json = false
        @Option(help: "A configuration, to resolve signed VERP addresses to delivery ids.") var config: String?

        func run() throws {
            try reporting {
                let bytes = try readMessage(file)
                var parser = BounceParser()
                if let config {
                    let configuration = try GlobalOptions.load(config)
                    if let signer = try? configuration.tokens.signer() {
                        parser = .verifying(configuration, signer: signer)
                    }
                }
                let report = parser.parse(bytes)
                if json {
                    FileHandle.standardOutput.write(try report.jsonData())
                    FileHandle.standardOutput.write(Data("\n".utf8))
                    return
                }
                Output.line("kind: \(report.kind.rawValue)")
                Output.line("delivery: \(report.delivery ?? "-")")
                for recipient in report.recipients {
                    let kind = recipient.permanent ? "permanent" : "transient"
                    Output.line(
                        "recipient: \(recipient.address) \(recipient.status ?? "-") \(kind)\(recipient.senderBlocked ? " (sender blocked)" : "")"
                    )
                    if let diagnostic = recipient.diagnostic { Output.line("  \(diagnostic)") }
                }
            }
        }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record one message from standard input: for an MTA's pipe transport or alias.",
            discussion: """
                Use as: bounces: "|/usr/bin/rundbrief bounce ingest". Exit codes (sysexits): 0 handled (also for
                messages that are not bounces); 75 (EX_TEMPFAIL) when the configuration or the database is not
                available, so the MTA keeps the message and retries: a bounce is never lost.
                """)
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let bytes: [UInt8]
            do {
                bytes = try readMessage("-")
            } catch {
                Output.error("cannot read the message: \(error)")
                throw ExitCode(75)
            }
            do {
                let outcome = try global.operations().recordBounceMessage(bytes, source: "ingest")
                let actions = outcome.decisions.map(\.action.rawValue).joined(separator: ", ")
                Output.note("rundbrief: \(outcome.report.kind.rawValue)\(actions.isEmpty ? "" : ": \(actions)")")
            } catch {
                Output.error("bounce not recorded, try again later: \(error)")
                throw ExitCode(75)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show recent bounces and complaints, newest first.",
            discussion: """
                VERIFIED says whether the report came through a signed delivery of ours (VERP address or Message-ID)
                and named that delivery's recipient; only verified reports change a subscriber's status.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many days back.") var days = 7
        @Option(help: "Only those that came back from this send's messages.") var send: Int64?
        @Flag(help: "Print an array of bounce objects.") var json = false

        func run() throws {
            try reporting {
                let bounces = try global.operations().recentBounces(days: days, sendID: send)
                if json {
                    try Output.json(bounces)
                    return
                }
                Output.table(
                    ["WHEN", "KIND", "VERIFIED", "STATUS", "ADDRESS", "SOURCE", "DIAGNOSTIC"],
                    bounces.map { item in
                        [
                            Output.timestamp.string(from: item.bounce.createdAt), item.bounce.kind.rawValue,
                            item.bounce.verified ? "yes" : "no",
                            item.bounce.status ?? "-", item.email ?? "(unknown)", item.bounce.source,
                            String((item.bounce.diagnostic ?? "").prefix(60)),
                        ]
                    })
            }
        }
    }
}

/// Reads a message from a file or standard input, up to the size limit.
private func readMessage(_ file: String) throws -> [UInt8] {
    let handle: FileHandle
    if file == "-" {
        handle = .standardInput
    } else {
        guard let opened = FileHandle(forReadingAtPath: file) else {
            throw CommandFailure("cannot read \(file)", exitCode: 66)
        }
        handle = opened
    }
    var bytes: [UInt8] = []
    while bytes.count < BounceCommand.maximumMessageBytes, let chunk = try handle.read(upToCount: 65_536),
        !chunk.isEmpty
    {
        bytes += chunk
    }
    return bytes
}
