import Foundation
import RundbriefCore
import RundbriefTestSupport
import RundbriefMail
import RundbriefStore
import Testing

/// `edition test-send` builds its message through the same `EditionMailer` as a send: these read the
/// messages back with Python's `email` and check what marks a test and what a non-subscriber never gets.
@Suite struct TestSendMarkingTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    private func message(test: TestSendMarking?) throws -> [String: Any] {
        var configuration = Configuration()
        configuration.templates.directory = Self.repositoryRoot + "/templates"
        configuration.http.baseURL = "https://news.example.org"
        configuration.sender.name = "Geschäftsstelle IKZ"
        configuration.sender.address = "newsletter@example.org"
        configuration.sender.bounceDomain = "example.org"
        configuration.sender.unsubscribeAddress = "unsubscribe@example.org"
        let edition = try EditionSource(
            testPath: Self.repositoryRoot + "/templates/examples/interkommunales-nrw-newsletter-III-2025.md")
        let mailer = try EditionMailer(
            configuration: configuration, edition: edition,
            list: MailingList(id: 3, slug: "interkommunales-nrw", name: "Interkommunales.NRW"),
            templates: try TemplateLibrary(testDirectory: configuration.templates.directory),
            tokens: TokenSigner(keys: [TokenKey(id: "k1", secret: Array(repeating: 9, count: 32))]), dkim: [],
            sendID: 0, issued: Date(), test: test)
        let outgoing = try mailer.message(
            subscriberID: 0, email: "pressestelle@example.net", name: "", attributes: [:], deliveryID: nil,
            date: Date(), messageID: try MessageID("test.1@example.org"))
        let script = """
            import sys, json, email
            from email import policy
            msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            print(json.dumps({
                "subject": str(msg["Subject"]),
                "test": msg.get_all("X-Rundbrief-Test"),
                "unsubscribe": msg.get_all("List-Unsubscribe"),
                "post": msg.get_all("List-Unsubscribe-Post"),
                "plain": msg.get_body(("plain",)).get_content(),
                "html": msg.get_body(("html",)).get_content(),
                "defects": sum(len(p.defects) for p in msg.walk()),
            }))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(outgoing.data))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let result = try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
        #expect(result["defects"] as? Int == 0)
        return result
    }

    @Test func aTestToANonSubscriberIsMarkedAndCarriesNoTokenAndNoSubscriptionSentence() throws {
        let message = try message(
            test: TestSendMarking(
                subjectPrefix: "[TEST] ", header: ("X-Rundbrief-Test", "yes"), recipientIsSubscriber: false))
        #expect(message["subject"] as? String == "[TEST] Newsletter III/2025 – Interkommunales.NRW")
        #expect(message["test"] as? [String] == ["yes"])
        #expect(message["unsubscribe"] is NSNull)
        #expect(message["post"] is NSNull)
        for key in ["plain", "html"] {
            let body = try #require(message[key] as? String)
            #expect(!body.contains("Sie erhalten diese E-Mail"), "\(key)")
            #expect(!body.contains("token"), "\(key)")
            #expect(!body.contains("/unsubscribe"), "\(key)")
            #expect(!body.contains("Newsletter abbestellen"), "\(key)")
            #expect(body.contains("Testversand"), "\(key)")
            #expect(body.contains("Sehr geehrte Damen und Herren"), "\(key)")
        }
    }

    @Test func aTestToASubscriberIsMarkedAndReadsLikeTheirs() throws {
        let message = try message(
            test: TestSendMarking(
                subjectPrefix: "[PROBE] ", header: ("X-Rundbrief-Test", "yes"), recipientIsSubscriber: true))
        #expect(message["subject"] as? String == "[PROBE] Newsletter III/2025 – Interkommunales.NRW")
        #expect(message["test"] as? [String] == ["yes"])
        #expect((message["unsubscribe"] as? [String])?.first?.contains("https://news.example.org/u/") == true)
        #expect((message["plain"] as? String)?.contains("Sie erhalten diese E-Mail") == true)
    }

    @Test func aSendIsNotMarked() throws {
        let message = try message(test: nil)
        #expect(message["subject"] as? String == "Newsletter III/2025 – Interkommunales.NRW")
        #expect(message["test"] is NSNull)
        #expect(message["unsubscribe"] is [String])
        #expect((message["html"] as? String)?.contains("Diese Ausgabe im Browser lesen") == true)
        #expect(
            (message["plain"] as? String)?.contains(
                "https://news.example.org/archive/interkommunales-nrw/interkommunales-nrw-newsletter-III-2025") == true)
    }
}
