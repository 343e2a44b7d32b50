import Logging
import RundbriefCore
import RundbriefMail
import RundbriefStore
import RundbriefWeb

extension WebHarness {
    /// The subscriber web over `database` as the daemon builds it, with the repository's templates and
    /// its mails going through libcurl to the test SMTP server on `smtpPort`: for tests a real client drives.
    /// Shut the transport down when the test is done with the web.
    static func liveWeb(database: AppDatabase, smtpPort: Int, label: String) async throws
        -> (web: WebApplication, transport: CurlSMTPTransport)
    {
        var configuration = Configuration()
        configuration.templates.directory = repositoryRoot + "/templates"
        configuration.http.baseURL = "http://rundbrief.test"
        configuration.sender.address = "newsletter@musterstadt.example"
        configuration.sender.name = "Rathaus Musterstadt"
        let transport = try CurlSMTPTransport(
            configuration: .init(url: "smtp://127.0.0.1:\(smtpPort)", startTLS: .off, concurrency: 1))
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let web = try await WebApplication(
            configuration: configuration, database: database, signer: TokenSigner(keys: [tokenKey]),
            send: { from, to, data in try await transport.deliver(from: from, to: to, data: data) }, logger: logger)
        return (web, transport)
    }
}
