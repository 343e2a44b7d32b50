import Foundation
import RundbriefMail
import RundbriefTestSupport
import Testing

@Suite struct CurlSMTPTransportTLSTests {
    let certificate: SelfSignedCertificate
    let server: SMTPTestServer

    init() throws {
        certificate = try SelfSignedCertificate()
        server = try SMTPTestServer(arguments: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path,
            "--require-starttls", "--auth", "sender:s3cret pass",
        ])
    }

    func transport(password: String = "s3cret pass", caFile: String?) throws -> CurlSMTPTransport {
        try CurlSMTPTransport(
            configuration: .init(
                url: server.url, username: "sender", password: password, startTLS: .required,
                caFile: caFile,
                connectTimeout: .seconds(5), transactionTimeout: .seconds(20)
            )
        )
    }

    @Test func startTLSAndAuthPlainWorkWithThePrivateCA() async throws {
        let transport = try transport(caFile: certificate.certificate.path)

        let outcome = await transport.send(CurlSMTPTransportTests.message())
        await transport.shutdown()

        #expect(outcome.classification == .delivered, "\(outcome)")
        #expect(try server.message(1) == CurlSMTPTransportTests.message().data)
    }

    @Test func pipelinedTransactionsOverTLSCarryLargeMessagesIntact() async throws {
        // Given a relay with STARTTLS, AUTH and PIPELINING
        let relay = try SMTPTestServer(arguments: [
            "--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path,
            "--require-starttls", "--auth", "sender:s3cret pass", "--pipelining",
        ])
        let transport = try CurlSMTPTransport(
            configuration: .init(
                url: relay.url, username: "sender", password: "s3cret pass", startTLS: .required,
                caFile: certificate.certificate.path, connectTimeout: .seconds(5), transactionTimeout: .seconds(20),
                concurrency: 1))

        // When messages go out, one of them far larger than a socket buffer (writes that the TLS
        // layer takes in parts), with lines that start with dots
        var large = CurlSMTPTransportTests.message(to: "large@example.org")
        let line = Array(".Zeile mit Punkt am Anfang und Umlauten äöü, die lang genug ist.\r\n".utf8)
        for _ in 0..<8_000 { large.data.append(contentsOf: line) }
        let messages = [
            CurlSMTPTransportTests.message(to: "a@example.org"), large,
            CurlSMTPTransportTests.message(to: "b@example.org"),
        ]
        var outcomes: [SMTPOutcome] = []
        for message in messages { outcomes.append(await transport.send(message)) }
        await transport.shutdown()

        // Then each arrived byte for byte, each envelope in one group, over one connection
        #expect(outcomes.allSatisfy { $0.isDelivered }, "\(outcomes)")
        for (index, message) in messages.enumerated() {
            let arrived = try relay.message(index + 1)
            #expect(arrived == message.data)
        }
        #expect(large.data.count > 500_000)
        #expect(try relay.count("pipelined") == 3)
        let connections = try relay.stats().connections
        #expect(connections == 1)
    }

    @Test func unverifiableCertificateFailsAtTLS() async throws {
        let transport = try transport(caFile: nil)

        let outcome = await transport.send(CurlSMTPTransportTests.message())
        await transport.shutdown()

        #expect(outcome.classification == .connectionFailed)
        #expect(outcome.stage == .tls)
        #expect(try server.stats().messages == 0)
    }

    @Test func wrongPasswordFailsAtAuthAndIsNotTheRecipientsFault() async throws {
        let transport = try transport(password: "wrong", caFile: certificate.certificate.path)

        let outcome = await transport.send(CurlSMTPTransportTests.message())
        await transport.shutdown()

        #expect(outcome.classification == .connectionFailed)
        #expect(outcome.stage == .auth)
        #expect(outcome.reply?.code == 535)
        #expect(!outcome.description.contains("wrong"))
    }

    @Test func plainTextIsRefusedWhenTheRelayCannotUpgrade() async throws {
        let plainServer = try SMTPTestServer()
        let transport = try CurlSMTPTransport(
            configuration: .init(url: plainServer.url, startTLS: .required))

        let outcome = await transport.send(CurlSMTPTransportTests.message())
        await transport.shutdown()

        #expect(outcome.classification == .connectionFailed)
        #expect(outcome.stage == .tls)
        #expect(try plainServer.stats().messages == 0)
    }
}
