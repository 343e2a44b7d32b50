import ArgumentParser
import Foundation
import RundbriefApp

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Manage the HMAC keys that sign links and bounce addresses.",
        subcommands: [GenerateKey.self])

    struct GenerateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-key",
            abstract: "Print a new random key as id:secret, for tokens.keys or the token-key credential.",
            discussion: "To rotate, put the new key first and keep the old one after it until old links may expire.")
        @Option(help: "The key id (letters and digits, short: it is part of every link).") var id =
            TokenKeys.defaultID(now: Date())

        func run() throws {
            try reporting { print(try TokenKeys.generate(id: id)) }
        }
    }
}
