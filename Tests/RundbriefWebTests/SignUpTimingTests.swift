import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import RundbriefCore
import RundbriefStore
import Synchronization
import Testing

@testable import RundbriefWeb

/// A door the sign-up queue's worker waits at until the test opens it.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func wait() async {
        await withCheckedContinuation { waiter in
            let open = state.withLock { state in
                if state.open { return true }
                state.waiters.append(waiter)
                return false
            }
            if open { waiter.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// The sign-up's answer must not tell a new address from a known or an erased one, neither by
/// its bytes nor by its timing: it is made before anything about the address has been looked up
/// (the store work runs afterwards on the `SignUpQueue`), so there is no timing to measure.
@Suite struct SignUpTimingTests {
    static let addresses = ["neu@example.org", "bekannt@example.org", "geloescht@example.org"]

    /// A harness with a known and an erased address, whose sign-up worker waits at `gate`.
    func makeHarness(gate: Gate, capacity: Int? = nil) async throws -> (WebHarness, WebApplication) {
        let harness = try await WebHarness { $0.web.signupsPerIPPerHour = 1_000 }
        try harness.database.addSubscriber(
            try EmailAddress("bekannt@example.org"), list: "aktuell", consent: Consent(method: "cli"))
        try harness.database.addSubscriber(
            try EmailAddress("geloescht@example.org"), list: "aktuell", consent: Consent(method: "cli"))
        try harness.database.forgetSubscriber(try EmailAddress("geloescht@example.org"))
        var application = harness.web
        application.web.signUpProbe = { await gate.wait() }
        if let capacity { application.web.signUps = SignUpQueue(capacity: capacity) }
        return (harness, application)
    }

    /// Status, headers and body of one answer.
    struct Answer: Equatable {
        var status: Int
        var headers: [String]
        var body: [UInt8]

        init(_ response: TestResponse) {
            status = response.status.code
            headers = response.headers.filter { $0.name != .date }.map { "\($0.name): \($0.value)" }
            body = Array(response.body.readableBytesView)
        }
    }

    /// With the old design (the store work inside the handler) the first answer never arrived.
    @Test(.timeLimit(.minutes(1)), arguments: [false, true])
    func theAnswerIsTheSameAndSentBeforeTheAddressIsLookedUp(json: Bool) async throws {
        let gate = Gate()
        let (harness, application) = try await makeHarness(gate: gate)
        try await application.makeApplication().test(.router) { client in
            defer { gate.open() }
            var answers: [Answer] = []
            for email in Self.addresses {
                let headers: HTTPFields = json ? [.contentType: "application/json"] : .form
                let body =
                    json
                    ? ByteBuffer(string: #"{"email": "\#(email)", "name": "Erika Muster", "list": "aktuell"}"#)
                    : formBody([("email", email), ("name", "Erika Muster"), ("list", "aktuell")])
                answers.append(
                    try await client.execute(uri: "/subscribe", method: .post, headers: headers, body: body) {
                        Answer($0)
                    })
            }
            // All three answers arrived while the worker still waits before its first store lookup.
            #expect(answers[0].status == (json ? 202 : 200))
            #expect(answers[1] == answers[0] && answers[2] == answers[0])
            #expect(try harness.subscriber("neu@example.org") == nil)
            #expect(try harness.eventKinds("bekannt@example.org") == ["subscribed"])
            gate.open()
            await harness.settled()
            #expect(try harness.membership("neu@example.org") == .pending)
            #expect(try harness.subscriber("geloescht@example.org") == nil)
            let mails = try await harness.mails.wait(forMailTo: "bekannt@example.org")
            #expect(Set(mails.map(\.recipient)) == ["neu@example.org", "bekannt@example.org"])
        }
    }

    /// A full queue refuses the sign-up with 503 and Retry-After, for every address alike, and
    /// takes sign-ups again once it has room.
    @Test(.timeLimit(.minutes(1))) func aFullQueueAnswers503WithRetryAfterWhateverTheAddress() async throws {
        let gate = Gate()
        let (harness, application) = try await makeHarness(gate: gate, capacity: 2)
        try await application.makeApplication().test(.router) { client in
            defer { gate.open() }
            func signUp(_ email: String) async throws -> Answer {
                try await client.execute(
                    uri: "/subscribe", method: .post, headers: .form,
                    body: formBody([("email", email), ("name", "Erika Muster"), ("list", "aktuell")])
                ) { Answer($0) }
            }
            #expect(try await signUp("eins@example.org").status == 200)
            #expect(try await signUp("zwei@example.org").status == 200)
            var refusals: [Answer] = []
            for email in Self.addresses { refusals.append(try await signUp(email)) }
            #expect(refusals[0].status == 503)
            #expect(refusals[0].headers.contains("Retry-After: 60"))
            #expect(refusals[1] == refusals[0] && refusals[2] == refusals[0])
            gate.open()
            await application.web.signUps.idle()
            #expect(try harness.membership("zwei@example.org") == .pending)
            #expect(try harness.subscriber("neu@example.org") == nil)
            #expect(try await signUp("neu@example.org").status == 200)
            await application.web.signUps.idle()
            #expect(try harness.membership("neu@example.org") == .pending)
        }
    }

    /// A sign-up the store refuses after the answer (here: another process holds the write lock)
    /// is logged with the address masked, and the next one is recorded.
    @Test(.timeLimit(.minutes(1)))
    func aSignUpTheStoreRefusesIsLoggedWithTheAddressMasked() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rundbrief-queue-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rundbrief.sqlite").path
        let log = LogRecorder()
        let harness = try await WebHarness(
            database: try AppDatabase(path: path, busyTimeout: .zero), logger: Logger(label: "test") { _ in log })
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = [
            "python3", "-c",
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                + "c.execute('BEGIN IMMEDIATE')\nprint('locked', flush=True)\nsys.stdin.read()",
            path,
        ]
        let (input, output) = (Pipe(), Pipe())
        locker.standardInput = input
        locker.standardOutput = output
        try locker.run()
        let said = try await offPool { try output.fileHandleForReading.read(upToCount: 6) }
        #expect(said == Data("locked".utf8))
        try await harness.web.makeApplication().test(.router) { client in
            func signUp(_ email: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/subscribe", method: .post, headers: .form,
                    body: formBody([("email", email), ("name", "Erika Muster"), ("list", "aktuell")])
                ) { $0.status }
            }
            #expect(try await signUp("neu@example.org") == .ok)
            await harness.settled()
            try input.fileHandleForWriting.close()
            locker.waitUntilExit()
            let lines = log.lines.filter { $0.contains("sign-up not recorded") }
            #expect(lines.count == 1)
            #expect(lines.first?.contains("subscriber.email=n***@example.org") == true, "\(lines)")
            #expect(!log.lines.contains { $0.contains("neu@example.org") })
            #expect(try harness.subscriber("neu@example.org") == nil)
            #expect(try await signUp("zweiter@example.org") == .ok)
            await harness.settled()
            #expect(try harness.membership("zweiter@example.org") == .pending)
        }
    }
}
