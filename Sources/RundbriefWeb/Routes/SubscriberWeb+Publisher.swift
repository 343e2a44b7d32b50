import RundbriefCore

extension SubscriberWeb {
    /// Who runs the pages, for every page's footer (name, contact, imprint, privacy policy) and the
    /// sign-up form's data-protection notice; domains are shown in their Unicode form.
    func publisherValues() -> [String: any Sendable] {
        let sender = configuration.sender
        var values: [String: any Sendable] = ["name": sender.name]
        if !sender.contactEmail.isEmpty {
            values["contact_email"] = sender.contactEmail
            values["contact_email_text"] = DisplayText.address(sender.contactEmail)
        }
        if !sender.imprintURL.isEmpty { values["imprint_url"] = sender.imprintURL }
        if !sender.privacyURL.isEmpty { values["privacy_url"] = sender.privacyURL }
        if !configuration.web.privacyNotice.isEmpty { values["privacy_notice"] = configuration.web.privacyNotice }
        return values
    }
}
