public import Foundation

/// The values a rendered edition shows that do not depend on the recipient.
public struct RenderContext: Sendable {
    /// The list's display name (`list.name`).
    public var listName: String
    /// The list's slug (`list.slug`).
    public var listSlug: String
    /// The sending body's name (`sender.name`), shown in the header and imprint.
    public var senderName: String
    /// The sender's postal address, one line per address line (`sender.postal_address`).
    ///
    /// German law (§ 5 DDG) requires it in every newsletter.
    public var postalAddress: String
    /// The sender's website (`sender.website`), if any.
    public var website: String?
    /// The address for quick electronic contact (`sender.contact_email`), if any (ASCII form).
    public var contactEmail: String?
    /// The privacy policy's URL (`sender.privacy_url`), if any.
    public var privacyURL: String?
    /// The imprint's URL (`sender.imprint_url`), if any.
    public var imprintURL: String?
    /// The list's web archive base URL; the edition's archive URL is `<base>/<edition slug>`.
    public var archiveBaseURL: String?
    /// Who the rendering is for: the footer differs for test sends and the web version.
    public var audience: Audience = .subscribers
    /// The edition's date (`edition.date`, written as German long date in `timeZone`).
    public var date: Date
    /// The time zone `edition.date` is written in.
    public var timeZone: TimeZone

    public init(
        listName: String,
        listSlug: String,
        senderName: String,
        postalAddress: String,
        website: String? = nil,
        archiveBaseURL: String? = nil,
        date: Date,
        timeZone: TimeZone = TimeZone(identifier: "Europe/Berlin") ?? .gmt
    ) {
        self.listName = listName
        self.listSlug = listSlug
        self.senderName = senderName
        self.postalAddress = postalAddress
        self.website = website
        self.archiveBaseURL = archiveBaseURL
        self.date = date
        self.timeZone = timeZone
    }

    /// Who an edition is rendered for.
    public enum Audience: Sendable, Equatable {
        /// A send's subscribers (and a test send to a subscriber, which is marked but reads the same).
        case subscribers
        /// A test send to an address that subscribes to nothing: no "you are subscribed", no unsubscribe link.
        case testRecipient
        /// The public web version in the archive: no recipient at all.
        case web
    }

    /// The archive URL of `edition`, when it is archived and a base is configured.
    public func archiveURL(for edition: EditionSource) -> String? {
        guard edition.archive, audience != .web, var base = archiveBaseURL, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/" + edition.slug
    }

    /// `date` as a German long date ("28. August 2025").
    var germanDate: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let months = [
            "Januar", "Februar", "März", "April", "Mai", "Juni",
            "Juli", "August", "September", "Oktober", "November", "Dezember",
        ]
        return "\(parts.day ?? 1). \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }

    /// `date` as an ISO 8601 calendar date ("2025-08-28") in `timeZone`.
    var isoDate: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let pad = { (value: Int?) in value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "01" }
        return "\(parts.year ?? 1970)-\(pad(parts.month))-\(pad(parts.day))"
    }
}
