import Foundation
import RundbriefApp

extension Console {
    /// The editions operations' fixed messages in German (merged into ``translated(_:_:)``).
    static let editionsGerman: [String: String] = [
        "a new edition needs a slug (the last part of its archive address)":
            "Eine neue Ausgabe braucht ein Kürzel (den letzten Teil ihrer Adresse im Archiv).",
        "give at least one address to send the test to":
            "Bitte geben Sie mindestens eine Adresse für den Testversand an.",
        "no subscriber with that address": "Unter dieser Adresse ist niemand eingetragen.",
    ]

    /// German for the editions operations' messages that name things (who saved, when, how many);
    /// anything else as ``translated(_:_:)`` has it.
    static func editionsTranslated(_ error: OperationError, _ language: Language) -> String {
        guard language == .de else { return error.message }
        let message = error.message
        for (pattern, german) in editionPatterns {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message))
            else { continue }
            let groups = (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: message).map { String(message[$0]) } ?? ""
            }
            return german(groups)
        }
        return translated(error, language)
    }

    private static let editionPatterns: [(String, @Sendable ([String]) -> String)] = [
        (
            "^this edition was changed by (.+) at (.+) after you opened it; reload it and apply your changes again$",
            {
                "Diese Ausgabe wurde nach dem Öffnen von \($0[0]) geändert (\($0[1])). Bitte laden Sie sie neu "
                    + "und übernehmen Sie Ihre Änderungen noch einmal."
            }
        ),
        (
            "^this edition was removed by (.+) at (.+) after you opened it; reload it and apply your changes again$",
            {
                "Diese Ausgabe wurde nach dem Öffnen von \($0[0]) entfernt (\($0[1])). Sie können sie als neue "
                    + "Ausgabe anlegen."
            }
        ),
        (
            "^an edition with the slug (.+) exists already \\(saved by (.+) at (.+)\\); choose another slug, or open that edition and change it there$",
            {
                "Eine Ausgabe mit dem Kürzel \($0[0]) gibt es schon (gespeichert von \($0[1]), \($0[2])). "
                    + "Wählen Sie ein anderes Kürzel, oder öffnen Sie diese Ausgabe und ändern Sie sie dort."
            }
        ),
        (
            "^a test goes to at most ([0-9]+) addresses \\(([0-9]+) given\\)$",
            { "Ein Test geht an höchstens \($0[0]) Adressen (angegeben: \($0[1]))." }
        ),
        (
            "^the front matter names the slug (.+), but this is edition (.+): a slug stays$",
            { "Das Kürzel \($0[0]) passt nicht zu dieser Ausgabe (\($0[1])): Das Kürzel bleibt, wie es ist." }
        ),
        (
            "^edition (.+) is used by send ([0-9]+) \\((.+)\\); cancel that send first: .*$",
            { "Die Ausgabe \($0[0]) gehört zu Versand \($0[1]) (\($0[2])). Brechen Sie diesen Versand zuerst ab." }
        ),
        (
            "^edition (.+) is being sent by send ([0-9]+) \\(running\\): .*$",
            {
                "Die Ausgabe \($0[0]) wird gerade von Versand \($0[1]) verschickt. Ändern Sie sie, wenn der "
                    + "Versand fertig ist, oder halten Sie ihn zuerst an."
            }
        ),
        ("^invalid address: (.+)$", { "Ungültige Adresse: \($0[0])" }),
    ]

    static func editionGone(_ language: Language) -> String {
        language == .de ? "Diese Ausgabe gibt es nicht mehr." : "This edition no longer exists."
    }
}
