import Foundation
import Logging
import RundbriefCore
import RundbriefMail
import RundbriefStore
import RundbriefTestSupport
import Testing

/// A send engine test bed: a real SQLite file with a list, subscribers and an edition, and a way
/// to run ``SendService`` against a real SMTP server until a condition holds.
final class SendFixture: Sendable {
    let directory: URL
    let database: AppDatabase
    let list: MailingList

    init(subscribers count: Int, domain: String = "example.net", busyTimeout: Duration = .seconds(5)) throws {
        directory = try TemporaryDirectory.make(prefix: "send")
        database = try AppDatabase(path: path(in: directory), busyTimeout: busyTimeout)
        list = try database.createList(slug: "rundbrief-test", name: "Rundbrief Test")
        let source = "---\nsubject: Ausgabe 1 – Grüße\nlist: rundbrief-test\n---\nHallo {{subscriber.name}}\n"
        try database.saveEdition(
            Edition(
                slug: "ausgabe-1", subject: "Ausgabe 1 – Grüße", preheader: "", listSlug: "rundbrief-test",
                template: "edition", markdown: "Hallo {{subscriber.name}}\n", frontMatter: [:], source: source,
                sourcePath: nil))
        for index in 0..<count {
            try add("person\(index)@\(domain)")
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The database file, for a second connection (another process's view).
    var databasePath: String { path(in: directory) }

    /// Adds an active subscriber to the list.
    @discardableResult
    func add(_ address: String, status: SubscriberStatus = .active) throws -> Subscriber {
        try database.addSubscriber(
            EmailAddress(address), name: "P \(address.prefix(8))", list: list.slug, status: status,
            consent: Consent(method: "cli"))
    }

    /// Schedules the edition now and returns the send's id.
    func schedule(at date: Date = Date()) throws -> Int64 {
        try database.scheduleSend(edition: "ausgabe-1", list: list.slug, at: date).id!
    }

    func report(_ id: Int64) throws -> SendReport {
        try database.sendReport(id: id)
    }

    /// Runs the send service until `done` holds (checked every 50 ms) or `timeout` passes, then stops it.
    /// - Returns: whether `done` held.
    @discardableResult
    func runService(
        transport: any MailTransport, policy: DeliveryPolicy, timeout: Duration = .seconds(60),
        until done: @escaping @Sendable () throws -> Bool
    ) async throws -> Bool {
        let service = SendService(
            database: database, transport: transport, policy: policy,
            makeBuilder: { send, _ in TestMessageBuilder(sendID: send.id!) },
            tick: .milliseconds(100), logger: Logger(label: "test"))
        let task = Task { try await service.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try done() {
                task.cancel()
                _ = try? await task.value
                return true
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        _ = try? await task.value
        return false
    }

    /// Recipients of every message the server received, in order.
    /// The recipients of every message envelope (`<n>.json`) in a server's output directory.
    static func recipients(in directory: URL) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && $0 != "stats.json" }
        return try files.flatMap { file in
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return object?["rcpt_tos"] as? [String] ?? []
        }
    }

    static func recipients(of server: SMTPTestServer) throws -> [String] {
        let count = try server.stats().messages
        guard count > 0 else { return [] }
        return try (1...count).flatMap { try server.envelope($0)["rcpt_tos"] as? [String] ?? [] }
    }
}

private func path(in directory: URL) -> String {
    directory.appendingPathComponent("rundbrief.sqlite").path
}

/// A small, fixed message per delivery; the real composer is tested with its own builder.
struct TestMessageBuilder: SendMessageBuilder {
    let sendID: Int64

    func message(for delivery: Delivery.Claimed, date: Date) throws -> OutgoingMessage {
        let text =
            "From: test@example.org\r\nTo: \(delivery.email)\r\nSubject: test\r\n"
            + "Message-ID: <rb.\(sendID).\(delivery.subscriberID)@example.org>\r\n\r\nHallo \(delivery.name)\r\n"
        return OutgoingMessage(
            envelopeFrom: "bounces+\(delivery.id)@example.org", recipient: delivery.email, data: Array(text.utf8))
    }
}

extension DeliveryPolicy {
    /// Fast settings for tests: short retries, no pause on connection failures unless asked.
    static func test(concurrency: Int = 4, batchSize: Int = 20) -> DeliveryPolicy {
        DeliveryPolicy(
            concurrency: concurrency, batchSize: batchSize, retryInitial: .seconds(1), retryMax: .seconds(2),
            pauseAfterConnectionFailures: 0, progressInterval: .seconds(1))
    }
}

@Suite struct SendFixtureTests {
    @Test func fixtureHasActiveSubscribersAndAnEdition() throws {
        let fixture = try SendFixture(subscribers: 3)
        let id = try fixture.schedule()
        let report = try fixture.report(id)
        #expect(report.send.status == .scheduled)
        #expect(report.edition == "ausgabe-1")
        #expect(report.counts.total == 0)
    }
}
