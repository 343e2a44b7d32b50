import Foundation
import Mustache

/// Builds the value tree a layout template sees (documented in templates/README.md).
///
/// Every string from the edition or the operator is neutralised so it cannot forge a slot
/// marker; subscriber values and the unsubscribe URL are markers, cut out after rendering.
enum TemplateValues {
    /// - Throws: `TemplateError` naming the edition's line when a section of its body opens in one
    ///   paragraph and closes in another (leaving it out would break the HTML).
    static func make(edition: EditionSource, context: RenderContext, markers: SlotMarkers) throws(TemplateError)
        -> [String: Any]
    {
        let clean = SlotMarkers.neutralise
        let markdown = SubscriberVariables.substitute(
            clean(edition.markdown), markers: markers, line: edition.bodyLine, blocks: true)
        let document = MarkdownDocument(markdown: markdown)
        let content = document.html
        try SectionBalance.check(content, markers: markers, file: edition.fileName)
        let addressLines = clean(context.postalAddress).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        var values: [String: Any] = [
            "edition": [
                "subject": personal(edition.subject, markers),
                "preheader": personal(edition.preheader, markers),
                "content": content,
                "text": String(document.plainText().dropLast()),
                "date": context.germanDate,
                "date_iso": context.isoDate,
                "slug": clean(edition.slug),
                "meta": FrontMatterValue.map(edition.extra).templateValue,
            ] as [String: Any],
            "list": ["name": clean(context.listName), "slug": clean(context.listSlug)],
            "sender": sender(context, addressLines: addressLines, clean: clean),
            "unsubscribe_url": markers.marker(for: .unsubscribeURL),
            "subscriber": [
                "name": markers.marker(for: .name),
                "email": markers.marker(for: .email),
                "attributes": AttributeSlots(markers: markers),
            ] as [String: Any],
        ]
        if let archive = context.archiveURL(for: edition) {
            values["archive_url"] = clean(archive)
        }
        values["subscribed"] = context.audience == .subscribers
        values["web_version"] = context.audience == .web
        return values
    }

    /// A front matter line with its subscriber variables as markers.
    static func personal(_ text: String, _ markers: SlotMarkers) -> String {
        SubscriberVariables.substitute(SlotMarkers.neutralise(text), markers: markers, line: 0, blocks: false)
    }

    private static func sender(
        _ context: RenderContext, addressLines: [String], clean: (String) -> String
    ) -> [String: Any] {
        var sender: [String: Any] = [
            "name": clean(context.senderName),
            "postal_address": addressLines.joined(separator: "\n"),
            "postal_address_lines": addressLines,
        ]
        if let website = context.website, !website.isEmpty {
            sender["website"] = clean(website)
            sender["website_text"] = clean(DisplayText.url(website))
        }
        if let contact = context.contactEmail, !contact.isEmpty {
            sender["contact_email"] = clean(contact)
            sender["contact_email_text"] = clean(DisplayText.address(contact))
        }
        if let privacy = context.privacyURL, !privacy.isEmpty { sender["privacy_url"] = clean(privacy) }
        if let imprint = context.imprintURL, !imprint.isEmpty { sender["imprint_url"] = clean(imprint) }
        return sender
    }
}

/// `subscriber.attributes.<key>`: any key a template names becomes an attribute slot.
struct AttributeSlots: MustacheParent {
    let markers: SlotMarkers

    func child(named name: String) -> Any? {
        markers.marker(for: .attribute(name))
    }
}
