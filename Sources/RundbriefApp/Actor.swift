/// Who performs an operation: every audit event names them.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    /// Someone at the command line, by their Unix user name (`SUDO_USER`, else `USER`).
    case shell(user: String)
    /// A person signed in to the console, by e-mail address.
    case person(email: String)
    /// A script calling the admin API, by the key's name.
    case apiKey(name: String)
    /// A subscriber acting on their own subscription through a signed link.
    case subscriber
    /// The daemon itself (a bounce report, a send finishing).
    case daemon

    /// The audit log's `source` column: where the action came from.
    public var source: String {
        switch self {
        case .shell: "cli"
        case .person: "console"
        case .apiKey: "api"
        case .subscriber: "web"
        case .daemon: "daemon"
        }
    }

    /// The name recorded beside the source (never a secret).
    public var name: String? {
        switch self {
        case .shell(let user): user
        case .person(let email): email
        case .apiKey(let name): name
        case .subscriber, .daemon: nil
        }
    }

    public var description: String { name.map { "\(source):\($0)" } ?? source }
}
