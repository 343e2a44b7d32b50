import Foundation
public import RundbriefStore

extension Operations {
    /// Creates a list.
    /// - Parameters:
    ///   - slug: 1–64 characters a–z, 0–9 and '-', used in commands and sign-up forms.
    ///   - name: one line, as subscribers see it.
    ///   - isPublic: whether the public sign-up form offers the list and the archive shows it.
    /// - Throws: `OperationError` `.forbidden` for an editor (lists are admins' work), `.invalid` for a bad
    ///   slug, name or description, `.conflict` for a taken slug.
    @discardableResult
    public func createList(slug: String, name: String, description: String = "", isPublic: Bool = true)
        throws(OperationError) -> MailingList
    {
        try requireAdmin("create lists")
        try checkListText(name: name, description: description)
        let list = try storing {
            try database.createList(
                slug: slug, name: name, description: description, isPublic: isPublic, now: now)
        }
        audit.record(
            "list.created", fields: ["list": slug, "public": "\(isPublic)"], listID: list.id, at: now)
        return list
    }

    /// Changes a list's name, description or visibility; `nil` leaves a field as it is. Making a list
    /// private takes it off the sign-up form and out of the archive at once; its members stay.
    /// - Throws: `OperationError` `.notFound` for an unknown slug, `.invalid` for an empty name, `.usage`
    ///   when nothing is to change.
    @discardableResult
    public func updateList(slug: String, name: String? = nil, description: String? = nil, isPublic: Bool? = nil)
        throws(OperationError) -> MailingList
    {
        try requireAdmin("change lists")
        guard name != nil || description != nil || isPublic != nil else {
            throw OperationError(.usage, "nothing to change: give --public, --private, --name or --description")
        }
        try checkListText(name: name ?? "", description: description ?? "")
        let list = try storing {
            try database.updateList(slug: slug, name: name, description: description, isPublic: isPublic)
        }
        var changed: [String] = []
        if name != nil { changed.append("name") }
        if description != nil { changed.append("description") }
        if isPublic != nil { changed.append("public") }
        audit.record(
            "list.updated",
            fields: ["list": slug, "changed": changed.joined(separator: ","), "public": "\(list.isPublic)"],
            listID: list.id, at: now)
        return list
    }

    /// A list's name is one line on forms and in mails; its description a short paragraph.
    private func checkListText(name: String, description: String) throws(OperationError) {
        guard name.unicodeScalars.count <= 200, description.unicodeScalars.count <= 2_000 else {
            throw OperationError(.invalid, "a list's name may have at most 200 characters, its description 2,000")
        }
    }

    /// Every list with its subscriber counts, by slug.
    public func lists() throws(OperationError) -> [ListSummary] {
        try storing { try database.listSummaries() }
    }

    /// One list with its subscriber counts.
    /// - Throws: `OperationError` `.notFound` naming the slug.
    public func list(slug: String) throws(OperationError) -> ListSummary {
        let list = try storing { try database.list(slug: slug) }
        guard let summary = try lists().first(where: { $0.list.id == list.id }) else {
            throw OperationError(.notFound, "no list '\(slug)'")
        }
        return summary
    }
}
