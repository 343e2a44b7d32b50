import ArgumentParser
import Crypto
import Foundation

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
            "k\(Int(Date().timeIntervalSince1970) / 86_400 % 1000)"

        func run() throws {
            guard !id.isEmpty, id.count <= 16, id.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                throw ValidationError("--id takes 1–16 letters and digits")
            }
            let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            let encoded = secret.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            print("\(id):\(encoded)")
        }
    }
}
