import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore

/// Measures per-recipient message composition: unsigned, ed25519-sha256, rsa-sha256 and both.
struct RenderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract:
            "Messages per second on one core for a realistic edition, without DKIM, with each key type and with both."
    )

    @Option(help: "The sample edition text (Markdown-ish plain text).")
    var sample = "../shared/samples/interkommunales-nrw-newsletter-III-2025.txt"

    @Option(help: "An RSA PEM key for rsa-sha256.")
    var rsaKey = "Tests/RundbriefCoreTests/Fixtures/dkim/rsa2048.pem"

    @Option(help: "An Ed25519 PEM key for ed25519-sha256.")
    var ed25519Key = "Tests/RundbriefCoreTests/Fixtures/dkim/ed25519.pem"

    @Option(help: "Messages per unsigned/ed25519 run (RSA runs a tenth).")
    var count = 50_000

    func run() throws {
        let body =
            (try? String(contentsOfFile: sample, encoding: .utf8))
            ?? String(
                repeating: "Interkommunale Zusammenarbeit – „Kläranlagen“ für Köln und Unna.\n", count: 50)
        let edition = Self.edition(body: body)
        let recipients = try (0..<1000).map(Self.recipient)
        let configuration = NewsletterConfiguration(
            from: try Mailbox(
                address: "newsletter@example.org", displayName: "Landesbeauftragter für IKZ"),
            listName: "Interkommunales.NRW", listID: "newsletter.example.org",
            feedbackID: "e3:s7:rundbrief")
        let plain = try MessageComposer(edition: edition, configuration: configuration)
        let size = try plain.message(for: recipients[0], date: Date()).count
        print("edition: \(body.utf8.count) bytes of text per part, message: \(size) bytes")
        try measure("unsigned", composer: plain, recipients: recipients, count: count)
        for (label, path, runs) in [
            ("ed25519-sha256", ed25519Key, count), ("rsa-sha256", rsaKey, max(1, count / 10)),
        ] {
            let key = try DKIMPrivateKey(contentsOfPEMFile: path)
            let signer = try DKIMSigner(domain: "example.org", selector: "mail", key: key)
            let composer = try MessageComposer(
                edition: edition, configuration: configuration, signer: signer)
            try measure(label, composer: composer, recipients: recipients, count: runs)
        }
        // Both keys, as [[dkim.key]] tables configure them: two signatures, one body hash.
        let both = try [("rsa", rsaKey), ("ed", ed25519Key)].map { selector, path in
            try DKIMSigner(domain: "example.org", selector: selector, key: DKIMPrivateKey(contentsOfPEMFile: path))
        }
        let dual = try MessageComposer(edition: edition, configuration: configuration, signers: both)
        try measure("rsa+ed25519", composer: dual, recipients: recipients, count: max(1, count / 10))
    }

    private func measure(
        _ label: String, composer: MessageComposer, recipients: [Recipient], count: Int
    ) throws {
        let date = Date()
        var bytes = 0
        for recipient in recipients.prefix(100) {
            bytes &+= try composer.message(for: recipient, date: date).count
        }
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<count {
            bytes &+= try composer.message(for: recipients[index % recipients.count], date: date).count
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perMessage = seconds / Double(count) * 1e6
        let line = "\(label.padding(toLength: 16, withPad: " ", startingAt: 0)) \(count) messages: "
        print(
            line
                + String(
                    format: "%.0f msg/s, %.1f µs/msg (checksum %d)", Double(count) / seconds, perMessage,
                    bytes))
    }

    private static func edition(body: String) -> RenderedEdition {
        let text = PersonalizedText(parts: [
            .literal("Hallo "), .slot(.name), .literal(",\n\n" + body + "\n\nAbmelden: "),
            .slot(.unsubscribeURL),
            .literal("\n"),
        ])
        let paragraphs = body.components(separatedBy: "\n\n").map { "<p>\($0)</p>" }.joined(
            separator: "\n")
        let html = PersonalizedText(parts: [
            .literal("<!doctype html><html><body><p>Hallo "), .slot(.name),
            .literal(",</p>\n" + paragraphs),
            .literal("\n<p><a href=\""), .slot(.unsubscribeURL), .literal("\">Abmelden</a> "),
            .slot(.email),
            .literal("</p></body></html>\n"),
        ])
        return RenderedEdition(
            subject: "Newsletter III/2025 – Interkommunales.NRW", preheader: "", html: html, text: text)
    }

    private static func recipient(_ index: Int) throws -> Recipient {
        Recipient(
            address: "leser\(index)@example.com", name: index % 3 == 0 ? "" : "Jürgen Müller \(index)",
            unsubscribeURL:
                "https://news.example.org/u/\(index)?t=aGVsbG8td29ybGQtdG9rZW4tMTIzNDU2Nzg5MA",
            unsubscribeMailto: "mailto:unsubscribe+\(index)@example.org",
            messageID: try MessageID(sendID: 7, subscriberID: Int64(index), domain: "example.org"))
    }
}
