import Foundation
import Hummingbird
import Logging
import RundbriefCore
import RundbriefStore
import RundbriefTestSupport
import Synchronization
import Testing

@testable import RundbriefWeb

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_760_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(hours: Double) {
        current.withLock { $0 += hours * 3_600 }
    }
}

/// Collects the transactional mails the outbox hands over, instead of an SMTP server.
final class MailRecorder: Sendable {
    struct Mail: Sendable {
        var envelopeFrom: String
        var recipient: String
        var data: [UInt8]

        /// The decoded text body (the messages are quoted-printable text/plain).
        var body: String {
            let text = String(decoding: data, as: UTF8.self)
            guard let split = text.range(of: "\r\n\r\n") else { return "" }
            return (try? QuotedPrintable.decode(String(text[split.upperBound...]))) ?? ""
        }

        /// The first link in the body to `path` (e.g. "/confirm").
        func link(_ path: String) -> String? {
            body.split(whereSeparator: \.isWhitespace).map(String.init)
                .first { $0.contains(path + "?token=") }
        }
    }

    private let mails = Mutex<[Mail]>([])

    var all: [Mail] { mails.withLock { $0 } }

    var send: TransactionalSend {
        { from, to, data in self.mails.withLock { $0.append(Mail(envelopeFrom: from, recipient: to, data: data)) } }
    }

    /// Waits (bounded) until `count` mails arrived; the outbox sends after the response.
    func wait(for count: Int) async throws -> [Mail] {
        try await wait { $0.count >= count }
    }

    /// Waits (bounded) until a mail to `recipient` arrived: the outbox sends in order, so every
    /// mail queued before it has been handed over too.
    func wait(forMailTo recipient: String) async throws -> [Mail] {
        try await wait { $0.contains { $0.recipient == recipient } }
    }

    private func wait(until done: ([Mail]) -> Bool) async throws -> [Mail] {
        _ = await eventually(timeout: .seconds(5), interval: .milliseconds(10)) { done(all) }
        return all
    }
}

/// A web application over a fresh database with one or two lists, a test clock and a mail recorder.
struct WebHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let tokenKey = TokenKey(id: "t1", secret: Array(repeating: 7, count: 32))

    let database: AppDatabase
    let clock = TestClock()
    let mails = MailRecorder()
    let signer = TokenSigner(keys: [Self.tokenKey])
    let configuration: Configuration
    let web: WebApplication
    let list: MailingList

    init(
        database: AppDatabase? = nil, lists: [(String, String)] = [("aktuell", "Aktuelles aus dem Rathaus")],
        logger: Logger? = nil, configure: (inout Configuration) -> Void = { _ in }
    ) async throws {
        var configuration = Configuration()
        configuration.templates.directory = Self.repositoryRoot + "/templates"
        configuration.http.baseURL = "http://127.0.0.1:8080"
        configuration.web.defaultLanguage = "de"
        configuration.sender.name = "Rathaus Musterstadt"
        configuration.sender.address = "newsletter@musterstadt.example"
        configure(&configuration)
        let database = try database ?? AppDatabase.inMemory()
        var created: [MailingList] = []
        for (slug, name) in lists {
            created.append(try database.createList(slug: slug, name: name, now: clock.now))
        }
        self.database = database
        self.configuration = configuration
        self.list = created[0]
        let clock = self.clock
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        web = try await WebApplication(
            configuration: configuration, database: database, signer: signer, send: mails.send,
            logger: logger ?? quiet, now: { clock.now })
    }

    /// Returns once the sign-ups answered so far have been recorded (their store work runs after
    /// the answer, on the application's `SignUpQueue`).
    func settled() async {
        await web.web.signUps.idle()
    }

    func token(_ purpose: TokenPurpose, subscriber: Int64, list: Int64?) -> String {
        signer.sign(TokenClaims(purpose: purpose, subscriberID: subscriber, listID: list, issued: clock.now))
    }

    func subscriber(_ email: String) throws -> Subscriber? {
        try database.subscriber(try EmailAddress(email))
    }

    func membership(_ email: String) throws -> SubscriptionStatus? {
        try database.subscriberDetail(try EmailAddress(email)).lists.first { $0.list == list.slug }?.status
    }

    func eventKinds(_ email: String) throws -> [String] {
        try database.subscriberDetail(try EmailAddress(email)).events.map(\.kind)
    }
}

extension HTTPFields {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
}

func formBody(_ fields: [(String, String)]) -> ByteBuffer {
    let allowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let text = fields.map { name, value in
        "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}
