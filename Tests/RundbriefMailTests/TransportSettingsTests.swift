import Foundation
import RundbriefCore
import RundbriefMail
import Testing

/// The configuration's `[smtp]` and `[bounces]` sections as the transports see them.
struct TransportSettingsTests {
    private static let exampleFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "config/rundbrief.example.toml"
        ).path

    @Test func bounceMailboxKeysReachTheMailboxClient() throws {
        let text = """
            [bounces]
            mailbox_url = "imap://127.0.0.1:1143/Bounces"
            mailbox_username = "bounces"
            mailbox_password = "geheim"
            mailbox_starttls = "off"
            mailbox_verify_tls = false
            mailbox_ca_file = "/etc/ssl/private-ca.pem"
            """
        let config = try ConfigurationLoader(environment: [:], files: .none).load(text: text, path: "test.toml")
        let mailbox = MailboxClient.Configuration(bounces: config.bounces)
        #expect(mailbox.url == "imap://127.0.0.1:1143/Bounces")
        #expect(mailbox.username == "bounces" && mailbox.password == "geheim")
        #expect(mailbox.startTLS == .off)
        #expect(!mailbox.verifyPeer)
        #expect(mailbox.caFile == "/etc/ssl/private-ca.pem")
        #expect(!mailbox.description.contains("geheim"))
    }

    @Test func aMailboxRequiresSTARTTLSAndVerifiesCertificatesByDefault() throws {
        let config = try ConfigurationLoader(environment: [:], files: .none)
            .load(text: "[bounces]\nmailbox_url = \"imap://mail.example.de\"\n", path: "test.toml")
        let mailbox = MailboxClient.Configuration(bounces: config.bounces)
        #expect(mailbox.startTLS == .required)
        #expect(mailbox.verifyPeer && mailbox.caFile == nil && mailbox.username == nil)
    }

    @Test func anUnknownSTARTTLSValueNamesTheKey() {
        #expect {
            try ConfigurationLoader(environment: [:], files: .none)
                .load(text: "[bounces]\nmailbox_starttls = \"sometimes\"\n", path: "test.toml")
        } throws: { error in
            "\(error)".contains("bounces.mailbox_starttls")
        }
    }

    @Test func theExampleFileLoadsToTheCodeDefaults() throws {
        let text = try String(contentsOfFile: Self.exampleFile, encoding: .utf8)
        let config = try ConfigurationLoader(environment: [:], files: .none).load(text: text, path: Self.exampleFile)
        // An empty file gives the code's defaults, with the same values derived from them (bounce domain).
        let defaults = try ConfigurationLoader(environment: [:], files: .none).load(text: "", path: Self.exampleFile)
        #expect(config == defaults)
    }
}
