import Foundation
public import RundbriefStore

// The admin API's list operations. When the lists operations of issue 11 (`Operations+Lists.swift`)
// arrive, the API calls those and this file goes: a rule exists once.
extension Operations {
    /// Every list with its subscriber counts, by slug.
    public func mailingLists() throws(OperationError) -> [ListSummary] {
        try storing { try database.listSummaries() }
    }

    /// Creates a list (admins only).
    public func createMailingList(slug: String, name: String, description: String = "") throws(OperationError)
        -> MailingList
    {
        try requireAdmin("create lists")
        guard name.unicodeScalars.count <= 200, description.unicodeScalars.count <= 2_000 else {
            throw OperationError(.invalid, "a list's name may have at most 200 characters, its description 2,000")
        }
        let list = try storing { try database.createList(slug: slug, name: name, description: description, now: now) }
        audit.record("list.created", fields: ["list": slug], listID: list.id, at: now)
        return list
    }
}
