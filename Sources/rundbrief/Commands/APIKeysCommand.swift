import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefStore

/// `rundbrief api-keys`: keys for scripts calling the admin API (`Authorization: Bearer KEY`).
struct APIKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-keys", abstract: "Manage the keys scripts call the admin API (/api/v1) with.",
        discussion: "A key is printed once, when it is created; only its SHA-256 hash is stored.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A name for the key (who or what uses it).") var name: String
        @Option(help: "editor or admin.") var role: RoleArgument
        @Flag(help: "Print {\"key\": …, \"name\": …, \"role\": …} as JSON.") var json = false

        func run() throws {
            try reporting {
                let created = try global.operations().createAPIKey(name: name, role: role.role)
                if json {
                    try Output.json([
                        "key": created.key, "name": created.apiKey.name, "role": created.apiKey.role.rawValue,
                    ])
                } else {
                    Output.note(
                        "API key '\(created.apiKey.name)' (\(created.apiKey.role.rawValue)); it is shown only now:")
                    Output.line(created.key)
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every key (never the keys themselves).")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of key objects.") var json = false

        func run() throws {
            try reporting {
                let keys = try global.operations(readOnly: true).apiKeys()
                if json {
                    try Output.json(keys.map(APIKeyJSON.init))
                    return
                }
                let format = ISO8601DateFormatter()
                Output.table(
                    ["NAME", "ROLE", "CREATED", "LAST USED", "STATE"],
                    keys.map {
                        [
                            $0.name, $0.role.rawValue, format.string(from: $0.createdAt),
                            $0.lastUsedAt.map(format.string(from:)) ?? "never",
                            $0.revokedAt.map { "revoked \(format.string(from: $0))" } ?? "working",
                        ]
                    })
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: calls with it are refused from now on.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key's name.") var name: String

        func run() throws {
            try reporting {
                let key = try global.operations().revokeAPIKey(name: name)
                Output.line("revoked API key '\(key.name)'")
            }
        }
    }
}

/// A key as `api-keys list --json` prints it.
struct APIKeyJSON: Encodable {
    var id: Int64
    var name: String
    var role: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?

    init(_ key: APIKey) {
        id = key.id
        name = key.name
        role = key.role.rawValue
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}
