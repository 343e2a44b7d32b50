import Foundation
import RundbriefCore
import RundbriefStore

/// One edition in the web archive: the first started send of an edition with `archive: true`,
/// rendered from that send's snapshot (the edition as sent, not as edited since).
struct ArchiveEntry: Sendable {
    var list: MailingList
    var edition: EditionSource
    /// When the send started: the edition's date in the archive and the feed.
    var published: Date

    /// The archived editions of every list (or of `listSlug`), newest first.
    static func all(from sends: [StartedSend], list listSlug: String? = nil) -> [ArchiveEntry] {
        var seen = Set<String>()
        var entries: [ArchiveEntry] = []
        for send in sends where listSlug == nil || send.list.slug == listSlug {
            guard let edition = try? EditionSource(text: send.snapshot.source, fileName: send.snapshot.slug),
                edition.archive, seen.insert(send.list.slug + "/" + edition.slug).inserted
            else { continue }
            entries.append(ArchiveEntry(list: send.list, edition: edition, published: send.startedAt))
        }
        return entries.sorted { $0.published > $1.published }
    }

    /// The date as the archive page shows it in `language`.
    func date(in language: Language, timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .de ? "de_DE" : "en_GB")
        formatter.timeZone = timeZone
        formatter.dateStyle = .long
        formatter.timeStyle = .none
        return formatter.string(from: published)
    }
}
