public import Foundation

extension RenderContext {
    /// The context of an edition going to the list `listName`/`listSlug`, with the sender from configuration.
    public init(configuration: Configuration, listName: String, listSlug: String, date: Date) {
        let sender = configuration.sender
        self.init(
            listName: listName, listSlug: listSlug, senderName: sender.name, postalAddress: sender.postalAddress,
            website: sender.website.isEmpty ? nil : sender.website, archiveBaseURL: nil, date: date,
            timeZone: TimeZone(identifier: configuration.delivery.timezone) ?? .gmt)
    }
}
