import Testing

@testable import RundbriefWeb

@Suite struct LanguageTests {
    @Test(
        arguments: [
            (nil, Language.de, Language.de),
            ("en", .de, .en),
            ("en-US,en;q=0.9", .de, .en),
            ("de-AT", .en, .de),
            ("fr, en;q=0.5, de;q=0.7", .en, .de),
            ("fr, es", .en, .en),
            ("*", .en, .en),
            ("de;q=0, *;q=0.5", .de, .en),
            ("en;q=0.5, de;q=0.5", .de, .en),
            ("en;q=abc, de", .en, .de),
            ("", .de, .de),
        ] as [(String?, Language, Language)])
    func negotiation(header: String?, fallback: Language, expected: Language) {
        #expect(Language.negotiate(header, fallback: fallback) == expected)
    }
}
