import ArgumentParser
import Foundation
import RundbriefApp
import RundbriefCore

/// Measures rendering an edition once and personalising it per recipient.
struct EditionRenderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edition-render",
        abstract: "Render the sample edition: Markdown + templates once, then fill slots per recipient."
    )

    @Option(help: "The templates directory.")
    var templates = "templates"

    @Option(help: "The edition file.")
    var edition = "templates/examples/interkommunales-nrw-newsletter-III-2025.md"

    @Option(help: "How many full renders (Markdown + both templates) to time.")
    var renders = 200

    @Option(help: "How many per-recipient fills (HTML + text) to time.")
    var recipients = 100_000

    @Option(help: "Write the filled HTML and text of one recipient into this directory.")
    var output: String?

    func run() throws {
        let source = try EditionFile(path: edition).source
        let library = try TemplateFolder(directory: templates).library(for: source.template)
        let context = RenderContext(
            listName: "Interkommunales.NRW", listSlug: source.list,
            senderName: "Landesbeauftragter für interkommunale Zusammenarbeit NRW",
            postalAddress: "Geschäftsstelle IKZ (Beispieladresse)\nBeispielstraße 1\n40213 Düsseldorf",
            website: "https://www.interkommunales.nrw/",
            archiveBaseURL: "https://news.example.nrw/archiv/\(source.list)",
            date: Date())

        var rendered = try library.render(source, context: context)
        let renderStart = ContinuousClock.now
        for _ in 0..<renders {
            rendered = try library.render(source, context: context)
        }
        let renderTime = ContinuousClock.now - renderStart

        var bytes = 0
        let fillStart = ContinuousClock.now
        for index in 0..<recipients {
            let values = Self.recipient(index)
            bytes &+= rendered.htmlBody(values).utf8.count &+ rendered.textBody(values).utf8.count
        }
        let fillTime = ContinuousClock.now - fillStart

        print(
            "render (markdown + html + text): \(Self.perItem(renderTime, renders)) per edition, \(renders) renders"
        )
        print(
            "fill (html + text) per recipient: \(Self.perItem(fillTime, recipients)), \(Self.rate(fillTime, recipients)) recipients/s (\(bytes / max(recipients, 1)) bytes each)"
        )

        if let output {
            try write(rendered, to: output)
        }
    }

    private func write(_ rendered: RenderedEdition, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let values = Self.recipient(0)
        try rendered.htmlBody(values).write(
            toFile: directory + "/edition.html", atomically: true, encoding: .utf8)
        try rendered.textBody(values).write(
            toFile: directory + "/edition.txt", atomically: true, encoding: .utf8)
        print("wrote \(directory)/edition.html and edition.txt")
    }

    private static func recipient(_ index: Int) -> (Slot) -> String {
        { slot in
            switch slot {
            case .name: return "Erika Mustermann \(index)"
            case .email: return "empfaenger\(index)@kreis-beispiel.de"
            case .unsubscribeURL:
                return "https://news.example.nrw/abmelden?t=v1.\(index).c2lnbmF0dXJl&l=ikz"
            case .attribute: return ""
            }
        }
    }

    private static func perItem(_ duration: Duration, _ count: Int) -> String {
        let seconds =
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f µs", seconds / Double(max(count, 1)) * 1e6)
    }

    private static func rate(_ duration: Duration, _ count: Int) -> String {
        let seconds =
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.0f", Double(count) / max(seconds, 1e-9))
    }
}
