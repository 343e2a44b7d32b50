import Foundation

extension ConfigurationValidator {
    /// Checks what the footers, the public pages and test sends show: the contact address, the
    /// imprint and privacy links, and the test marking.
    func validatePublishing(_ config: inout Configuration, _ fail: (String, String) -> Void) {
        if !config.sender.contactEmail.isEmpty {
            do {
                config.sender.contactEmail = try EmailAddress(config.sender.contactEmail).value
            } catch {
                fail("sender.contact_email", "not a valid address: \(error.reason)")
            }
        }
        for (key, value) in [
            ("sender.privacy_url", config.sender.privacyURL), ("sender.imprint_url", config.sender.imprintURL),
        ]
        where !value.isEmpty && !Self.isWebURL(value) {
            fail(key, "must be an http:// or https:// URL (got '\(value)')")
        }
        if config.sender.testSubjectPrefix.contains(where: \.isNewline) {
            fail("sender.test_subject_prefix", "must be one line")
        }
        if !config.sender.testHeader.isEmpty && config.sender.testHeaderField == nil {
            fail(
                "sender.test_header",
                "must be 'Name: value' in ASCII, with a name that Rundbrief does not set itself (got '\(config.sender.testHeader)')"
            )
        }
    }

    static func isWebURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && url.host != nil
    }
}

extension Configuration.SenderSection {
    /// `test_header` split into name and value; nil when empty or not a header Rundbrief may add.
    public var testHeaderField: (name: String, value: String)? {
        guard let colon = testHeader.firstIndex(of: ":") else { return nil }
        let name = String(testHeader[..<colon])
        let value = testHeader[testHeader.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let reserved: Set<String> = [
            "from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to", "sender", "mime-version",
            "content-type", "content-transfer-encoding", "list-id", "list-unsubscribe", "list-unsubscribe-post",
            "precedence", "feedback-id", "x-mailer", "dkim-signature", "return-path",
        ]
        guard !name.isEmpty, name.utf8.count <= 64, !reserved.contains(name.lowercased()),
            name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }),
            !value.isEmpty, value.utf8.count <= 200, value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else { return nil }
        return (name, value)
    }
}
