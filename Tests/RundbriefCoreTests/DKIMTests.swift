import Foundation
import Testing

@testable import RundbriefCore

@Suite struct DKIMTests {
    private static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
            .appendingPathComponent("dkim/\(name)").path
    }

    private static let verifyScript = """
        import dkim, sys
        record = open(sys.argv[1], 'rb').read().strip()
        def dnsfunc(name, timeout=5):
            return record if name == b'mail2025._domainkey.example.org.' else None
        print(' '.join('1' if dkim.verify(open(p, 'rb').read(), dnsfunc=dnsfunc) else '0' for p in sys.argv[2:]))
        """

    /// dkimpy's verdict for each message, with `record` published for the selector.
    private func dkimpyVerifies(_ messages: [[UInt8]], record: String) throws -> [Bool] {
        let output = try PythonOracle.run(
            Self.verifyScript, files: messages, extraArguments: [try Self.fixture(record)])
        return output.split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
    }

    private func signer(_ keyFile: String) throws -> DKIMSigner {
        let key = try DKIMPrivateKey(pemFile: try Self.fixture(keyFile), files: .disk)
        return try DKIMSigner(domain: "example.org", selector: "mail2025", key: key)
    }

    private func signedMessage(_ keyFile: String) throws -> [UInt8] {
        let composer = try MessageComposer(
            edition: SampleEdition.edition, configuration: try SampleEdition.configuration(),
            signer: try signer(keyFile))
        return try composer.message(for: try SampleEdition.recipient(), date: SampleEdition.date)
    }

    private func replacing(_ old: String, with new: String, in message: [UInt8]) -> [UInt8] {
        let text = String(decoding: message, as: UTF8.self)
        #expect(text.contains(old))
        return Array(text.replacing(old, with: new, maxReplacements: 1).utf8)
    }

    @Test(arguments: [
        ("rsa2048.pem", "rsa2048.dns"), ("rsa2048-pkcs1.pem", "rsa2048.dns"),
        ("ed25519.pem", "ed25519.dns"),
    ])
    func dkimpyVerifiesSignedNewslettersAndRejectsTampering(key: String, record: String) throws {
        let message = try signedMessage(key)
        let tampered = [
            replacing("Unna", with: "Unne", in: message),
            replacing("Subject: ", with: "Subject: Re: ", in: message),
            Array("From: mallory@example.net\r\n".utf8) + message,
            replacing("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", with: "", in: message),
        ]
        #expect(
            try dkimpyVerifies([message] + tampered, record: record) == [
                true, false, false, false, false,
            ])
    }

    @Test func dkimpyVerifiesSignedTransactionalMessages() throws {
        let message = TransactionalMessage(
            from: try Mailbox(address: "newsletter@example.org"),
            to: try Mailbox(address: "neu@example.com"),
            subject: "Bestätigung", text: "Bitte bestätigen  Sie.\t\n\n\n", html: nil,
            messageID: try MessageID("c.1@example.org"), date: SampleEdition.date)
        let signed = try message.encoded(signer: try signer("ed25519.pem"))
        #expect(try dkimpyVerifies([signed], record: "ed25519.dns") == [true])
    }

    @Test func signatureOverSignsFromAndFoldsShortLines() throws {
        let message = String(decoding: try signedMessage("rsa2048.pem"), as: UTF8.self)
        let header = try #require(message.components(separatedBy: "\r\n\r\n").first)
        let signature = header.components(separatedBy: "\r\n").prefix { !$0.hasPrefix("From:") }
        #expect(
            signature.first?.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;") == true)
        #expect(signature.allSatisfy { $0.utf8.count <= 78 })
        let tags = signature.joined().replacingOccurrences(of: " ", with: "")
        #expect(
            tags.contains(
                "h=from:from:reply-to:to:subject:date:message-id:mime-version:content-type:list-id:"))
        #expect(tags.contains(":list-unsubscribe:list-unsubscribe-post:feedback-id;"))
    }

    @Test func composedBodiesAreAlreadyRelaxedCanonical() throws {
        let message = try signedMessage("ed25519.pem")
        let text = String(decoding: message, as: UTF8.self)
        let body = Array(
            try #require(
                text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                    as String?
            ).utf8)
        #expect(DKIMCanonicalization.relaxedBody(body) == body)
    }

    @Test func canonicalizesLikeRFC6376Example() {
        #expect(
            DKIMCanonicalization.relaxedHeader(name: "B", value: "Y\t\r\n\tZ  ") == Array("b:Y Z".utf8))
        #expect(
            DKIMCanonicalization.relaxedBody(Array(" C \r\nD \t E\r\n\r\n\r\n".utf8))
                == Array(" C\r\nD E\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody(Array("x".utf8)) == Array("x\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody(Array("\r\n\r\n".utf8)) == [])
    }

    @Test(arguments: [
        ("rsa2048.pem", "rsa2048.dns"), ("rsa2048-pkcs1.pem", "rsa2048.dns"),
        ("ed25519.pem", "ed25519.dns"),
    ])
    func publishesTheRecordOpenSSLDerives(key: String, record: String) throws {
        let expected = try String(contentsOfFile: try Self.fixture(record), encoding: .utf8)
        #expect(
            try DKIMPrivateKey(pemFile: try Self.fixture(key), files: .disk).dnsRecord + "\n" == expected)
    }

    @Test func namesTheFileOfAnUnusableKey() throws {
        for name in ["missing.pem", "garbage.pem", "rsa768.pem", "rsa2048.dns"] {
            let path = try Self.fixture(name)
            let error = try #require(throws: DKIMError.self) {
                try DKIMPrivateKey(pemFile: path, files: .disk)
            }
            #expect(error.code == (name == "missing.pem" ? .unreadableKey : .invalidKey))
            #expect(error.description.contains(path))
        }
    }

    @Test func acceptsRSAKeysFrom1024BitsAndSaysTheirSize() throws {
        #expect(try DKIMPrivateKey(pemFile: try Self.fixture("rsa1024.pem"), files: .disk).rsaBits == 1024)
        #expect(try DKIMPrivateKey(pemFile: try Self.fixture("rsa2048.pem"), files: .disk).rsaBits == 2048)
        #expect(try DKIMPrivateKey(pemFile: try Self.fixture("ed25519.pem"), files: .disk).rsaBits == nil)
    }

    @Test(arguments: [DKIMPrivateKey.Algorithm.rsaSHA256, .ed25519SHA256])
    func generatedKeysReadBackAndPublishTheirPublicKey(algorithm: DKIMPrivateKey.Algorithm) throws {
        let key = try DKIMPrivateKey.generate(algorithm)
        let again = try DKIMPrivateKey(pemRepresentation: key.pemRepresentation, source: "test")
        #expect(again.algorithm == algorithm)
        #expect(again.dnsRecord == key.dnsRecord)
        #expect(key.rsaBits == (algorithm == .rsaSHA256 ? 2048 : nil))
        // OpenSSL reads the file and derives the same public key.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID()).pem").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try key.pemRepresentation.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["pkey", "-in", path, "-pubout", "-outform", "DER"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let der = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let published = algorithm == .rsaSHA256 ? der : der.suffix(32)
        #expect(key.dnsRecord.hasSuffix("p=" + published.base64EncodedString()))
    }

    @Test func zoneFileLineSplitsLongRecordsInto255OctetStrings() throws {
        let key = try DKIMPrivateKey(pemFile: try Self.fixture("rsa2048.pem"), files: .disk)
        let line = DKIMPublication.zoneFileLine(selector: "mail2025", domain: "example.org", record: key.dnsRecord)
        #expect(line.hasPrefix("mail2025._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p="))
        let strings = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.count == 2 && strings.allSatisfy { $0.utf8.count <= 255 })
        #expect(strings.joined() == key.dnsRecord)
    }

    @Test func refusesInvalidSigningIdentities() throws {
        let key = try DKIMPrivateKey(pemFile: try Self.fixture("ed25519.pem"), files: .disk)
        #expect(throws: DKIMError.self) {
            try DKIMSigner(domain: "exa mple.org", selector: "s", key: key)
        }
        #expect(throws: DKIMError.self) {
            try DKIMSigner(domain: "example.org", selector: "a;b=c", key: key)
        }
    }
}
