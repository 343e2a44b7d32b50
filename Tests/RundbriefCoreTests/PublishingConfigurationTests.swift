import Testing

@testable import RundbriefCore

/// `sender.contact_email`, `privacy_url`, `imprint_url`, the test-send marking and `web.privacy_notice`:
/// read from the file, checked, and refused with the key named.
@Suite struct PublishingConfigurationTests {
    private func load(_ text: String) throws -> Configuration {
        try ConfigurationLoader(environment: [:], files: .none).load(text: text, path: "test.toml")
    }

    @Test func keysAreReadAndTheContactAddressIsNormalised() throws {
        let config = try load(
            """
            [sender]
            contact_email = "Presse@Gemeinde-Büren.de"
            privacy_url = "https://www.gemeinde-büren.de/datenschutz"
            imprint_url = "https://www.gemeinde-büren.de/impressum"
            test_subject_prefix = "[PROBE] "
            test_header = "X-Probe: ja"
            [web]
            privacy_notice = "Wir speichern nur Ihre Adresse."
            """)
        #expect(config.sender.contactEmail == "Presse@xn--gemeinde-bren-5ob.de")
        #expect(config.sender.privacyURL == "https://www.gemeinde-büren.de/datenschutz")
        #expect(config.sender.testSubjectPrefix == "[PROBE] ")
        #expect(config.sender.testHeaderField?.name == "X-Probe")
        #expect(config.sender.testHeaderField?.value == "ja")
        #expect(config.web.privacyNotice == "Wir speichern nur Ihre Adresse.")
        let defaults = try load("")
        #expect(defaults.sender.testHeaderField?.name == "X-Rundbrief-Test")
        #expect(defaults.sender.testHeaderField?.value == "yes")
        #expect(defaults.sender.testSubjectPrefix == "[TEST] ")
    }

    @Test(arguments: [
        ("[sender]\ncontact_email = \"presse\"\n", "sender.contact_email"),
        ("[sender]\nprivacy_url = \"javascript:alert(1)\"\n", "sender.privacy_url"),
        ("[sender]\nimprint_url = \"www.example.org/impressum\"\n", "sender.imprint_url"),
        ("[sender]\ntest_header = \"X-Test\"\n", "sender.test_header"),
        ("[sender]\ntest_header = \"Bcc: alle@example.org\"\n", "sender.test_header"),
        ("[sender]\ntest_header = \"X-Test: ja\\r\\nBcc: alle@example.org\"\n", "sender.test_header"),
        ("[sender]\ntest_subject_prefix = \"[TEST]\\n\"\n", "sender.test_subject_prefix"),
    ])
    func badValuesAreRefusedWithTheirKey(text: String, key: String) {
        #expect {
            try load(text)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
