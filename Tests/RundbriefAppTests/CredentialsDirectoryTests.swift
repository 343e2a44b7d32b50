import Foundation
import RundbriefApp
import RundbriefCore
import Testing

/// The CLI finds, on this machine's disk (`ConfigurationFiles.local`), the secrets the service gets:
/// `$CREDENTIALS_DIRECTORY` in the service (files named `rundbrief_<name>` by the unit's directory
/// credential), `secrets.credentials_directory` from a shell.
struct CredentialsDirectoryTests {
    private func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }

    @Test func aShellReadsTheConfiguredCredentialsDirectory() throws {
        let credentials = try directory([
            "token-key": "k1:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM0NQ==", "smtp-password": "pw\n",
        ])
        defer { try? FileManager.default.removeItem(at: credentials) }
        let text = "[secrets]\ncredentials_directory = \"\(credentials.path)\"\n"
        let config = try ConfigurationLoader(environment: [:], files: .local).load(text: text, path: "test.toml")
        #expect(config.tokens.keyFile == credentials.appendingPathComponent("token-key").path)
        #expect(config.smtp.password == "pw")
    }

    @Test func theServiceReadsItsDirectoryCredentialNames() throws {
        let credentials = try directory(["rundbrief_smtp-password": "from-systemd"])
        defer { try? FileManager.default.removeItem(at: credentials) }
        let config = try ConfigurationLoader(environment: ["CREDENTIALS_DIRECTORY": credentials.path], files: .local)
            .load(text: "[secrets]\ncredentials_directory = \"/nonexistent\"\n", path: "test.toml")
        #expect(config.smtp.password == "from-systemd")
        #expect(Configuration().secrets.credentialsDirectory == "/etc/rundbrief/credentials")
    }
}
