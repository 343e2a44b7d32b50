import Foundation
import Testing

@testable import RundbriefCore

/// Issue 16 parts 2 and 3: several DKIM keys, https-only one-click, List-Unsubscribe lines that
/// survive a relay re-serialising the message.
@Suite struct DeliverabilityTests {
    private static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("dkim/\(name)").path
    }

    private func load(
        _ text: String, environment: [String: String] = [:], files: ConfigurationFiles = .none
    ) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader(environment: environment, files: files).load(text: text, path: "test.toml")
    }

    // MARK: Configuration

    @Test func dkimKeyTablesAddToTheSingleKeyForm() throws {
        let config = try load(
            """
            [http]
            base_url = "https://news.example.org"
            [dkim]
            domain = "example.org"
            selector = "old"
            key_file = "/etc/rundbrief/old.pem"
            [[dkim.key]]
            selector = "rsa2026"
            key_file = "\(try Self.fixture("rsa2048.pem"))"
            [[dkim.key]]
            selector = "ed2026"
            key_file = "\(try Self.fixture("ed25519.pem"))"
            [log]
            level = "info"
            """)
        #expect(config.dkim.signingKeys.map(\.selector) == ["old", "rsa2026", "ed2026"])
        #expect(config.dkim.keys.last?.keyFile.hasSuffix("ed25519.pem") == true)
    }

    @Test func eachDKIMKeyBecomesASigner() throws {
        var dkim = Configuration.DKIMSection()
        dkim.domain = "example.org"
        dkim.keys = [
            .init(selector: "rsa2026", keyFile: try Self.fixture("rsa2048.pem")),
            .init(selector: "ed2026", keyFile: try Self.fixture("ed25519.pem")),
        ]
        let signers = try dkim.signers(files: .disk)
        #expect(signers.map(\.selector) == ["rsa2026", "ed2026"])
        #expect(signers.map(\.key.algorithm) == [.rsaSHA256, .ed25519SHA256])
        #expect(try Configuration.DKIMSection().signers(files: .none).isEmpty)
    }

    @Test(arguments: [
        ("[[dkim.key]]\nselector = \"a\"\n", "dkim.key", "needs selector"),
        (
            "[[dkim.key]]\nselector = \"a\"\nkey_file = \"/k.pem\"\nalgorithm = \"rsa\"\n", "dkim.key.algorithm",
            "unknown key"
        ),
        ("[dkim]\nkey = \"x\"\n", "dkim.key", "use [[dkim.key]] tables"),
        ("[[dkim.key]]\nselector = \"a\"\nkey_file = \"/k.pem\"\n", "dkim.domain", "is required"),
        (
            "[dkim]\ndomain = \"example.org\"\n[[dkim.key]]\nselector = \"a\"\nkey_file = \"/k.pem\"\n[[dkim.key]]\nselector = \"A\"\nkey_file = \"/j.pem\"\n",
            "dkim.key", "configured twice"
        ),
    ])
    func badDKIMKeyTablesAreRefusedByName(text: String, key: String, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try load(text) }
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func theDKIMCredentialStillFillsTheSingleKeyForm() throws {
        let directory = "/run/credentials/rundbrief.service"
        let files = ConfigurationFiles.inMemory([directory + "/dkim-key": Data("key".utf8)])
        let environment = ["CREDENTIALS_DIRECTORY": directory]
        let single = try load(
            "[dkim]\ndomain = \"example.org\"\nselector = \"s\"\n", environment: environment, files: files)
        #expect(single.dkim.signingKeys.map(\.keyFile) == [directory + "/dkim-key"])
        // With [[dkim.key]] tables and no dkim.selector naming it, the credential is not a key.
        let tables = try load(
            "[dkim]\ndomain = \"example.org\"\n[[dkim.key]]\nselector = \"a\"\nkey_file = \"/k.pem\"\n",
            environment: environment, files: files)
        #expect(tables.dkim.signingKeys.map(\.selector) == ["a"])
    }

    @Test(arguments: [
        "https://news.example.org", "http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
        "http://127.1.2.3", "HTTPS://News.Example.org/",
    ])
    func httpsOrLoopbackBaseURLsAreAccepted(url: String) throws {
        #expect(throws: Never.self) { try load("[http]\nbase_url = \"\(url)\"\n") }
    }

    @Test(arguments: ["http://newsletter.example.org", "http://10.0.0.1:8080", "http://127.0.0.1.example.org"])
    func plainHTTPBaseURLsAreRefused(url: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try load("[http]\nbase_url = \"\(url)\"\n") }
        #expect(error.key == "http.base_url")
        #expect(error.message.contains("https://") && error.message.contains("loopback"))
        #expect(!error.description.contains("\n"))
    }

    // MARK: Messages

    private func message(
        unsubscribeURL: String, mailto: String, signers: [DKIMSigner] = []
    ) throws -> [UInt8] {
        let composer = try MessageComposer(
            edition: SampleEdition.edition, configuration: try SampleEdition.configuration(), signers: signers)
        let recipient = Recipient(
            address: "juergen.mueller@example.com", name: "Jürgen Müller", attributes: ["region": "Unna"],
            unsubscribeURL: unsubscribeURL, unsubscribeMailto: mailto,
            messageID: try MessageID(sendID: 7, subscriberID: 42, domain: "example.org"))
        return try composer.message(for: recipient, date: SampleEdition.date)
    }

    private func headerLines(_ message: [UInt8]) -> [String] {
        let text = String(decoding: message, as: UTF8.self)
        return (text.components(separatedBy: "\r\n\r\n").first ?? "").components(separatedBy: "\r\n")
    }

    @Test func oneClickIsOfferedOnlyWithAnHTTPSURI() throws {
        let https = headerLines(try message(unsubscribeURL: "https://news.example.org/u/abc", mailto: ""))
        #expect(https.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        let http = headerLines(try message(unsubscribeURL: "http://127.0.0.1:8080/u/abc", mailto: ""))
        #expect(http.contains { $0.hasPrefix("List-Unsubscribe: ") || $0 == "List-Unsubscribe:" })
        #expect(!http.contains { $0.lowercased().hasPrefix("list-unsubscribe-post") })
    }

    @Test func eachUnsubscribeURIFitsA78OctetLine() throws {
        let signer = TokenSigner(keys: [TokenKey(id: "k1", secret: Array(repeating: 7, count: 32))])
        let token = signer.sign(
            TokenClaims(
                purpose: .unsubscribe, subscriberID: 1_234_567, listID: 12,
                issued: Date(timeIntervalSince1970: 1_780_000_000)))
        let url = UnsubscribeLinks.https(baseURL: "https://newsletter.example.org/", token: token)
        let mailto = UnsubscribeLinks.mailto(
            address: "unsubscribe@example.org", subscriberID: 1_234_567, listID: 12,
            issued: Date(timeIntervalSince1970: 1_780_000_000), signer: signer)
        #expect(url == "https://newsletter.example.org/u/\(token)")
        #expect(mailto.hasPrefix("mailto:unsubscribe+1234567-12-") && mailto.hasSuffix("@example.org"))
        let lines = headerLines(try message(unsubscribeURL: url, mailto: mailto))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
        let start = try #require(lines.firstIndex { $0.hasPrefix("List-Unsubscribe:") })
        #expect(lines[start + 1] == " <\(url)>,")
        #expect(lines[start + 2] == " <\(mailto)>")
    }

    @Test func tokensAreShorterAndThoseOfEarlierVersionsStillVerify() throws {
        let key = TokenKey(id: "k1", secret: Array(repeating: 7, count: 32))
        let signer = TokenSigner(keys: [key])
        let claims = TokenClaims(
            purpose: .unsubscribe, subscriberID: 1_234_567, listID: 12,
            issued: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(signer.sign(claims).count <= 35)
        #expect(try signer.verify(signer.sign(claims), purpose: .unsubscribe, now: Date(), maxAge: nil) == claims)
        // Version 1, as links in mail sent before this change carry it: seconds since 1970, 16-byte tag.
        var legacy: [UInt8] = [1, 2] + Array("k1".utf8) + [TokenPurpose.unsubscribe.code | 0x80]
        Varint.append(1_234_567, to: &legacy)
        Varint.append(12, to: &legacy)
        Varint.append(1_780_000_000, to: &legacy)
        legacy += TokenSigner.tag(legacy, key: key)
        let token = Base64URL.encode(legacy)
        #expect(token.count == 42)
        #expect(try signer.verify(token, purpose: .unsubscribe, now: Date(), maxAge: nil) == claims)
        #expect(throws: TokenError.self) {
            try signer.verify(String(token.dropLast(6)), purpose: .unsubscribe, now: Date(), maxAge: nil)
        }
    }

    @Test func theMailtoAddressNamesItsSubscriberOnlyWithAValidTag() throws {
        let old = TokenKey(id: "k1", secret: Array(repeating: 1, count: 32))
        let new = TokenKey(id: "k2", secret: Array(repeating: 2, count: 32))
        let issued = Date(timeIntervalSince1970: 1_780_000_000)
        let mailto = UnsubscribeLinks.mailto(
            address: "abmelden@example.org", subscriberID: 42, listID: 3, issued: issued,
            signer: TokenSigner(keys: [old]))
        #expect(mailto.hasPrefix("mailto:abmelden+42-3-12774400-") && mailto.hasSuffix("@example.org"))
        let address = String(mailto.dropFirst("mailto:".count))
        let rotated = TokenSigner(keys: [new, old])
        let found = UnsubscribeLinks.claims(
            inAddresses: "\"Newsletter\" <\(address.uppercased())>, other@example.org", signer: rotated)
        #expect(found == TokenClaims(purpose: .unsubscribe, subscriberID: 42, listID: 3, issued: issued))
        #expect(UnsubscribeLinks.claims(inAddresses: address, signer: TokenSigner(keys: [new])) == nil)
        for forged in [
            address.replacingOccurrences(of: "+42-3-", with: "+43-3-"),
            address.replacingOccurrences(of: "-12774400-", with: "-12774401-"),
        ] {
            #expect(UnsubscribeLinks.claims(inAddresses: forged, signer: rotated) == nil)
        }
        #expect(UnsubscribeLinks.claims(inAddresses: "bounces+42-abcdefghijklm@example.org", signer: rotated) == nil)
    }

    @Test func dkimpyVerifiesTheRSAAndTheEd25519SignatureOfOneMessage() throws {
        let rsa = try DKIMSigner(
            domain: "example.org", selector: "rsa2026",
            key: try DKIMPrivateKey(pemFile: try Self.fixture("rsa2048.pem"), files: .disk))
        let ed = try DKIMSigner(
            domain: "example.org", selector: "ed2026",
            key: try DKIMPrivateKey(pemFile: try Self.fixture("ed25519.pem"), files: .disk))
        let signed = try message(
            unsubscribeURL: "https://news.example.org/u/abc", mailto: "mailto:u+1-2-abc@example.org",
            signers: [rsa, ed])
        #expect(headerLines(signed).filter { $0.hasPrefix("DKIM-Signature:") }.count == 2)
        let script = """
            import dkim, sys
            records = {b'rsa2026._domainkey.example.org.': open(sys.argv[1], 'rb').read().strip(),
                       b'ed2026._domainkey.example.org.': open(sys.argv[2], 'rb').read().strip()}
            raw = open(sys.argv[3], 'rb').read()
            d = dkim.DKIM(raw)
            print(' '.join('1' if d.verify(idx=i, dnsfunc=lambda n, timeout=5: records.get(n)) else '0' for i in range(2)))
            """
        let output = try PythonOracle.run(
            script, files: [signed], extraArguments: [try Self.fixture("rsa2048.dns"), try Self.fixture("ed25519.dns")])
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1")
    }
}
