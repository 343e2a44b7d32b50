public import Foundation

extension RenderContext {
    /// The context of an edition going to the list `listName`/`listSlug`, with the sender from configuration.
    ///
    /// Archived editions link to `<http.base_url>/archive/<list slug>/<edition slug>`.
    public init(configuration: Configuration, listName: String, listSlug: String, date: Date) {
        let sender = configuration.sender
        var base = configuration.http.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.init(
            listName: listName, listSlug: listSlug, senderName: sender.name, postalAddress: sender.postalAddress,
            website: sender.website.isEmpty ? nil : sender.website, archiveBaseURL: "\(base)/archive/\(listSlug)",
            date: date, timeZone: TimeZone(identifier: configuration.delivery.timezone) ?? .gmt)
        contactEmail = sender.contactEmail.isEmpty ? nil : sender.contactEmail
        privacyURL = sender.privacyURL.isEmpty ? nil : sender.privacyURL
        imprintURL = sender.imprintURL.isEmpty ? nil : sender.imprintURL
    }
}
