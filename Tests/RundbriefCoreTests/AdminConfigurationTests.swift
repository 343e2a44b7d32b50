import RundbriefCore
import Testing

/// `[admin]`: the console's own listener and the URL editors reach it at.
struct AdminConfigurationTests {
    private func load(_ text: String) throws -> Configuration {
        try ConfigurationLoader(environment: [:], files: .none).load(text: text, path: "test.toml")
    }

    @Test func theAdminListenerIsOnLoopbackBesideThePublicOneByDefault() throws {
        let config = try load("")
        #expect(config.admin.listen == "127.0.0.1:8081")
        #expect(config.admin.address?.port == 8081)
        #expect(config.admin.baseURL == "http://127.0.0.1:8081")
        #expect(config.admin.cookiesMayBeInsecure)
    }

    @Test func anEmptyListenTurnsTheAdminListenerOff() throws {
        #expect(try load("[admin]\nlisten = \"\"\n").admin.address == nil)
    }

    @Test func theAdminListenerMayNotBeThePublicOne() {
        #expect {
            try load("[http]\nlisten = \"127.0.0.1:8080\"\n[admin]\nlisten = \"127.0.0.1:8080\"\n")
        } throws: { error in
            "\(error)".contains("admin.listen") && "\(error)".contains("public listener")
        }
    }

    @Test func aMalformedListenNamesTheKey() {
        #expect { try load("[admin]\nlisten = \"localhost\"\n") } throws: { "\($0)".contains("admin.listen") }
    }

    @Test func plainHTTPIsRefusedUnlessTheConsoleIsOnThisMachine() throws {
        #expect {
            try load("[admin]\nbase_url = \"http://redaktion.example.org\"\n")
        } throws: { error in
            "\(error)".contains("admin.base_url") && "\(error)".contains("https://")
        }
        let remote = try load("[admin]\nbase_url = \"https://redaktion.example.org/\"\n")
        #expect(remote.admin.baseURL == "https://redaktion.example.org")
        #expect(!remote.admin.cookiesMayBeInsecure)
        #expect(try load("[admin]\nbase_url = \"http://localhost:8081\"\n").admin.cookiesMayBeInsecure)
    }
}
