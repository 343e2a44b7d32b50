import Foundation
import RundbriefApp
import Synchronization

/// Previews of editions being written, not saved: the editor posts its draft, gets a random id, and its
/// preview frames load `/previews/ID`. Held in memory for the session that made them, for 30 minutes,
/// the newest 4 of each session and at most 500 in all (the oldest go first): a draft is never stored in
/// the database, and one editor posting drafts in a loop holds no more than 4 of them (a page shows one).
final class EditionPreviews: Sendable {
    struct Draft: Sendable {
        var session: Int64
        var created: Date
        var preview: RundbriefApp.Operations.EditionPreview
    }

    static let lifetime: TimeInterval = 30 * 60
    static let capacity = 500
    static let perSession = 4
    private let drafts = Mutex<[String: Draft]>([:])

    /// Keeps `preview` for `session`; returns its id.
    func keep(_ preview: RundbriefApp.Operations.EditionPreview, session: Int64, now: Date) -> String {
        let id = RundbriefApp.Operations.formToken()
        drafts.withLock { drafts in
            drafts = drafts.filter { now.timeIntervalSince($0.value.created) < Self.lifetime }
            let own = drafts.filter { $0.value.session == session }.sorted { $0.value.created < $1.value.created }
            for old in own.dropLast(Self.perSession - 1) { drafts[old.key] = nil }
            if drafts.count >= Self.capacity, let oldest = drafts.min(by: { $0.value.created < $1.value.created }) {
                drafts[oldest.key] = nil
            }
            drafts[id] = Draft(session: session, created: now, preview: preview)
        }
        return id
    }

    /// The draft `id` if `session` made it and it has not expired.
    func preview(_ id: String, session: Int64, now: Date) -> RundbriefApp.Operations.EditionPreview? {
        drafts.withLock { drafts in
            guard let draft = drafts[id], draft.session == session,
                now.timeIntervalSince(draft.created) < Self.lifetime
            else { return nil }
            return draft.preview
        }
    }
}
