import Foundation
import Testing

@testable import RundbriefApp
@testable import RundbriefWeb

/// The console's unsaved previews: one editor posting drafts in a loop holds only the newest few, and
/// never pushes out someone else's.
@Suite struct EditionPreviewsTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    func preview(_ text: String) -> RundbriefApp.Operations.EditionPreview {
        RundbriefApp.Operations.EditionPreview(html: "<p>\(text)</p>", text: text)
    }

    @Test func aSessionKeepsItsNewestDraftsOnly() {
        let previews = EditionPreviews()
        let other = previews.keep(preview("other"), session: 2, now: start)
        let ids = (0..<10).map {
            previews.keep(preview("\($0)"), session: 1, now: start.addingTimeInterval(Double($0)))
        }
        let now = start.addingTimeInterval(20)
        for (index, id) in ids.enumerated() {
            let kept = previews.preview(id, session: 1, now: now)
            #expect((kept != nil) == (index >= 10 - EditionPreviews.perSession), "draft \(index)")
        }
        #expect(previews.preview(other, session: 2, now: now)?.text == "other")
        #expect(previews.preview(other, session: 1, now: now) == nil)
        #expect(
            previews.preview(ids[9], session: 1, now: start.addingTimeInterval(EditionPreviews.lifetime + 10)) == nil)
    }
}
