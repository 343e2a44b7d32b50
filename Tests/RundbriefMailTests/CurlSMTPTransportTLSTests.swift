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
