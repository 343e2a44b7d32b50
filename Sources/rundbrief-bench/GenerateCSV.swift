import ArgumentParser
import Foundation
import RundbriefTestSupport

/// Writes a deterministic subscriber CSV for the import benchmarks: German names with umlauts,
/// addresses on common and international domains, a few attribute columns, some quoted fields.
struct GenerateCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-csv",
        abstract: "Write a deterministic subscriber CSV (German names, umlauts, attribute columns)."
    )

    @Option(help: "Number of subscriber rows (plus a header).")
    var rows: Int = 1_000_000

    @Option(help: "Output file.")
    var out: String

    @Flag(help: "Write German Excel style: ';' delimiter, UTF-8 BOM, CRLF line ends.")
    var semicolon = false

    @Option(help: "Seed for the generator; the same seed writes the same file.")
    var seed: UInt64 = 42

    private static let firstNames = [
        "Anna", "Jörg", "Jürgen", "Sören", "Björn", "Käthe", "Ute", "Günther", "Lena", "Mia", "Lukas",
        "Jonas",
        "Zoë", "Leonie", "Maximilian", "Hannelore", "Ömer", "Ayşe", "Marie-Luise", "Hans-Peter",
    ]
    private static let lastNames = [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Schröder", "Köhler", "Groß", "Krüger",
        "Hoffmann",
        "Jäger", "Böhm", "Özdemir", "Schäfer", "Bäcker", "von der Höh", "Meyer", "Wagner", "Kühn",
        "Fuß",
    ]
    private static let domains = [
        "gmx.de", "web.de", "t-online.de", "posteo.de", "mailbox.org", "beispiel.de", "bücher.de",
        "gmail.com",
        "müller-bau.de", "uni-köln.de",
    ]
    private static let cities = [
        "Köln", "München", "Düsseldorf", "Nürnberg", "Lübeck", "Göttingen", "Würzburg", "Berlin",
        "Hamburg",
        "Frankfurt am Main", "Osnabrück", "Saarbrücken",
    ]
    private static let interests = [
        "Politik", "Kultur", "Sport", "Wirtschaft", "Reisen", "Gärten", "Technik",
    ]

    func run() throws {
        let delimiter = semicolon ? ";" : ","
        let newline = semicolon ? "\r\n" : "\n"
        guard let output = FileHandle(forWritingAtPath: out) ?? createFile() else {
            throw ValidationError("cannot write \(out)")
        }
        defer { try? output.close() }
        try output.truncate(atOffset: 0)
        var random = SplitMix64(seed: seed)
        var chunk = semicolon ? "\u{FEFF}" : ""
        chunk += ["email", "name", "city", "zip", "signup", "interests", "newsletter"].joined(
            separator: delimiter)
        chunk += newline
        for index in 0..<rows {
            chunk += row(index, &random, delimiter: delimiter) + newline
            if chunk.utf8.count > 1 << 20 {
                try output.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try output.write(contentsOf: Data(chunk.utf8))
    }

    private func createFile() -> FileHandle? {
        guard FileManager.default.createFile(atPath: out, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: out)
    }

    private func row(_ index: Int, _ random: inout SplitMix64, delimiter: String) -> String {
        let first = random.pick(Self.firstNames)
        let last = random.pick(Self.lastNames)
        let local = "\(first).\(last)".lowercased().folding(options: .diacriticInsensitive, locale: nil)
            .replacingOccurrences(of: " ", with: "")
        let email = "\(local)\(index)@\(random.pick(Self.domains))"
        // Some names carry the delimiter or a quote, so the file exercises quoting.
        var name = "\(first) \(last)"
        if random.next() % 20 == 0 { name = "\(last)\(delimiter) \(first)" }
        if random.next() % 50 == 0 {
            name = "\(first) \"\(random.pick(["Hansi", "Mimi", "Bär"]))\" \(last)"
        }
        let zip = String(format: "%05d", Int(random.next() % 99_999) + 1)
        let signup = String(
            format: "2025-%02d-%02d", Int(random.next() % 12) + 1, Int(random.next() % 28) + 1)
        let interests = (0..<Int(random.next() % 3) + 1).map { _ in random.pick(Self.interests) }
            .joined(separator: delimiter)
        let fields = [
            email, name, random.pick(Self.cities), zip, signup, interests,
            random.next() % 2 == 0 ? "ja" : "nein",
        ]
        return fields.map { quoted($0, delimiter: delimiter) }.joined(separator: delimiter)
    }

    private func quoted(_ field: String, delimiter: String) -> String {
        guard field.contains(delimiter) || field.contains("\"") else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
