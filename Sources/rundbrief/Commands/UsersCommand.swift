import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefStore

/// `rundbrief users`: the people who may sign in to the console (admin.listen).
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage the people who sign in to the editors' console.",
        discussion: """
            Editors work with editions, sends and segments and read subscribers; admins also manage subscribers'
            data, lists, users and API keys. Passwords are stored as bcrypt hashes only.
            """,
        subcommands: [Add.self, List.self, Remove.self, ResetPassword.self, ResetTOTP.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person; without --password-stdin prints a one-time password to change at first sign-in.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their e-mail address (what they sign in with).") var email: String
        @Option(help: "editor or admin.") var role: RoleArgument
        @Option(help: "Their name, as the console shows it.") var name = ""
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() throws {
            try reporting {
                var password: String?
                if passwordStdin {
                    guard let line = readLine(strippingNewline: true) else {
                        throw CommandFailure("--password-stdin: standard input is empty", exitCode: 64)
                    }
                    password = line
                }
                let added = try global.operations().addUser(
                    email: email, name: name, role: role.role, password: password)
                Output.line("added \(added.user.email) (\(added.user.role.rawValue))")
                if let oneTime = added.oneTimePassword {
                    Output.line("one-time password (shown once; to be changed at the first sign-in): \(oneTime)")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every person who may sign in.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print an array of user objects.") var json = false

        func run() throws {
            try reporting {
                let users = try global.operations(readOnly: true).users()
                if json {
                    try Output.json(users.map(UserJSON.init))
                    return
                }
                Output.table(
                    ["EMAIL", "ROLE", "NAME", "LAST SIGN-IN", "PASSWORD"],
                    users.map {
                        [
                            $0.email, $0.role.rawValue, $0.name,
                            $0.lastSignInAt.map { ISO8601DateFormatter().string(from: $0) } ?? "never",
                            $0.mustChangePassword ? "one-time" : "set",
                        ]
                    })
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a person; their sessions end at once.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their e-mail address.") var email: String

        func run() throws {
            try reporting {
                let user = try global.operations().removeUser(email: email)
                Output.line("removed \(user.email)")
            }
        }
    }

    struct ResetPassword: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Give a person a new one-time password and sign them out everywhere.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their e-mail address.") var email: String

        func run() throws {
            try reporting {
                let oneTime = try global.operations().resetPassword(email: email)
                Output.line(
                    "one-time password for \(email) (shown once; to be changed at the first sign-in): \(oneTime)")
            }
        }
    }

    struct ResetTOTP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-totp",
            abstract: "Turn off a person's two-factor sign-in (TOTP), when they lost their app.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Their e-mail address.") var email: String

        func run() throws {
            try reporting {
                try global.operations().resetTOTP(email: email)
                Output.line(
                    "two-factor sign-in is off for \(email); they sign in with their password and may turn it on again")
            }
        }
    }
}

/// `--role editor|admin`.
struct RoleArgument: ExpressibleByArgument {
    let role: Role

    init?(argument: String) {
        guard let role = Role(rawValue: argument) else { return nil }
        self.role = role
    }

    static var allValueStrings: [String] { Role.allCases.map(\.rawValue) }
}

/// A person as `users list --json` prints them (never the password hash).
struct UserJSON: Encodable {
    var id: Int64
    var email: String
    var name: String
    var role: String
    var mustChangePassword: Bool
    var lastSignInAt: Date?
    var createdAt: Date

    init(_ user: User) {
        id = user.id
        email = user.email
        name = user.name
        role = user.role.rawValue
        mustChangePassword = user.mustChangePassword
        lastSignInAt = user.lastSignInAt
        createdAt = user.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, role
        case mustChangePassword = "must_change_password"
        case lastSignInAt = "last_sign_in_at"
        case createdAt = "created_at"
    }
}
