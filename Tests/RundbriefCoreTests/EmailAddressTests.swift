import Foundation
import Testing

@testable import RundbriefCore

struct EmailAddressTests {
    static let valid: [(raw: String, value: String)] = [
        ("a@b.co", "a@b.co"),
        ("John.Doe+news@Example.COM", "John.Doe+news@example.com"),
        ("Anna@Bücher.DE", "Anna@xn--bcher-kva.de"),
        ("  info@example.com\u{00A0}", "info@example.com"),
        ("\u{FEFF}info@example.com\r\n", "info@example.com"),
        ("\tinfo@example.com\u{200B}", "info@example.com"),
        ("user@münchen.de", "user@xn--mnchen-3ya.de"),
        ("user@bu\u{0308}cher.de", "user@xn--bcher-kva.de"),  // decomposed ü
        ("user@bücher。de", "user@xn--bcher-kva.de"),  // ideographic full stop
        ("x@straße.de", "x@xn--strae-oqa.de"),
        ("x@例え.テスト", "x@xn--r8jz45g.xn--zckzah"),
        ("a@XN--BCHER-KVA.DE", "a@xn--bcher-kva.de"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org"),
        ("first.middle.last@sub.domain.example.co.uk", "first.middle.last@sub.domain.example.co.uk"),
        ("a@123.example", "a@123.example"),
        ("a@a-b.de", "a@a-b.de"),
        ("a@b.xn--p1ai", "a@b.xn--p1ai"),
        (
            String(repeating: "l", count: 64) + "@example.com",
            String(repeating: "l", count: 64) + "@example.com"
        ),
        (
            "a@" + String(repeating: "d", count: 63) + ".de",
            "a@" + String(repeating: "d", count: 63) + ".de"
        ),
    ]

    static let invalid: [(raw: String, reason: String)] = [
        ("", "address is empty"),
        (" \u{00A0} ", "address is empty"),
        ("example.com", "missing @"),
        ("a@@b.de", "more than one @"),
        ("a@b@c.de", "more than one @"),
        ("@example.com", "nothing before @"),
        ("a@", "nothing after @"),
        ("a@localhost", "domain has no dot"),
        ("Anna <anna@example.com>", "contains a name or angle brackets; give only the address"),
        ("<anna@example.com>", "contains a name or angle brackets; give only the address"),
        ("anna@example.com (Anna)", "contains a comment in parentheses"),
        ("\"a b\"@example.com", "quoted local parts are not supported"),
        ("\"ab\"@example.com", "quoted local parts are not supported"),
        ("a@[192.0.2.1]", "domain literals like [192.0.2.1] are not supported"),
        ("a@exa\nmple.com", "contains a line break"),
        ("a\r\nBcc: x@y.de@example.com", "contains a line break"),
        ("a\0@example.com", "contains a NUL character"),
        ("a\u{7}@example.com", "contains a control or invisible character"),
        ("a\u{200B}b@example.com", "contains a control or invisible character"),
        ("a b@example.com", "contains a space"),
        ("a@bü cher.de", "contains a space"),
        ("a,b@example.com", "contains more than one address (',' or ';')"),
        ("a@example.com; b@example.com", "contains more than one address (',' or ';')"),
        (".a@example.com", "local part starts or ends with a dot"),
        ("a.@example.com", "local part starts or ends with a dot"),
        ("a..b@example.com", "local part has two dots in a row"),
        ("a\\b@example.com", "local part contains '\\'"),
        (
            "müller@bücher.de",
            "local part has non-ASCII characters (SMTPUTF8 addresses are not supported)"
        ),
        (String(repeating: "l", count: 65) + "@example.com", "local part longer than 64 characters"),
        ("a@exa_mple.com", "domain contains '_' (only letters, digits, hyphens and dots)"),
        ("a@exa!mple.com", "domain contains '!' (only letters, digits, hyphens and dots)"),
        ("a@-example.com", "domain label starts or ends with a hyphen"),
        ("a@example-.com", "domain label starts or ends with a hyphen"),
        ("a@bücher-.de", "domain label starts or ends with a hyphen"),
        ("a@example..com", "domain has an empty label (two dots in a row)"),
        ("a@.example.com", "domain starts with a dot"),
        ("a@example.com.", "domain ends with a dot"),
        ("a@example.123", "top-level domain is all digits"),
        ("a@192.168.0.1", "top-level domain is all digits"),
        ("a@ab--cd.de", "domain label has '--' in positions 3 and 4 (reserved)"),
        ("a@xn--ls8h.de", "domain label 'xn--ls8h' is not a valid international name"),  // an emoji
        ("a@xn--.de", "domain label starts or ends with a hyphen"),
        ("a@xn--wca.de", "domain label 'xn--wca' is not a valid international name"),  // upper-case Ü
        ("a@xn--bucher-xyd.de", "domain label 'xn--bucher-xyd' is not a valid international name"),  // not NFC
        ("a@xn--bcher-kva-.de", "domain label starts or ends with a hyphen"),
        ("a@xn--abc-.de", "domain label starts or ends with a hyphen"),
        ("a@b\u{2665}.de", "domain contains a character not allowed in domain names"),
        ("a@\u{0301}b.de", "domain label starts with a combining mark"),
        ("a@" + String(repeating: "d", count: 64) + ".de", "domain label longer than 63 characters"),
        ("a@" + String(repeating: "ü", count: 60) + ".de", "domain label longer than 63 characters"),
        (
            "a@" + Array(repeating: String(repeating: "d", count: 63), count: 4).joined(separator: ".")
                + ".de",
            "domain longer than 253 characters"
        ),
        (
            String(repeating: "l", count: 64) + "@"
                + Array(repeating: String(repeating: "d", count: 63), count: 3).joined(separator: ".")
                + ".de",
            "address longer than 254 characters"
        ),
    ]

    @Test(arguments: valid)
    func acceptsAndNormalises(_ sample: (raw: String, value: String)) throws {
        let address = try EmailAddress(sample.raw)
        #expect(address.value == sample.value)
        #expect(address.description == sample.value)
        // The normalised form is a fixed point.
        #expect(try EmailAddress(address.value) == address)
    }

    @Test(arguments: invalid)
    func rejectsWithReason(_ sample: (raw: String, reason: String)) {
        let error = #expect(throws: AddressError.self) { try EmailAddress(sample.raw) }
        #expect(error?.reason == sample.reason)
        // Every reason has its German words, for the console's German import results.
        #expect(error.map { !$0.german.isEmpty && $0.german != $0.reason } == true, "\(sample.reason)")
    }

    @Test func splitsIntoParts() throws {
        let address = try EmailAddress("Anna@Bücher.DE")
        #expect(address.localPart == "Anna")
        #expect(address.domain == "xn--bcher-kva.de")
        #expect(address.unicodeDomain == "bücher.de")
    }

    @Test func localPartCaseMatters() throws {
        #expect(try EmailAddress("anna@x.de") != EmailAddress("Anna@x.de"))
        #expect(try EmailAddress("anna@X.DE") == EmailAddress("anna@x.de"))
        #expect(
            try EmailAddress("anna@bücher.de").hashValue
                == EmailAddress("anna@xn--BCHER-kva.de").hashValue)
    }

    @Test func sortsByDomainThenLocalPart() throws {
        let sorted = try ["b@a.de", "a@b.de", "a@a.de"].map(EmailAddress.init).sorted().map(\.value)
        #expect(sorted == ["a@a.de", "b@a.de", "a@b.de"])
    }

    @Test func codesAsAPlainString() throws {
        let address = try EmailAddress("Anna@Bücher.de")
        let json = try JSONEncoder().encode([address])
        #expect(String(decoding: json, as: UTF8.self) == #"["Anna@xn--bcher-kva.de"]"#)
        #expect(try JSONDecoder().decode([EmailAddress].self, from: json) == [address])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([EmailAddress].self, from: Data(#"["no at sign"]"#.utf8))
        }
    }

    /// The single-pass ASCII check must report exactly what the general rules would.
    @Test func asciiFastPathAgreesWithRules() {
        for byte in UInt8(0)..<0x80 where byte != 0x40 {
            let scalar = Unicode.Scalar(byte)
            let expected = EmailAddress.characterRules.firstIndex { $0.matches(scalar) }
            #expect(EmailAddress.asciiRule(byte) == expected, "byte \(byte)")
        }
    }

    @Test func reasonNeverRepeatsTheAddress() {
        let error = #expect(throws: AddressError.self) {
            try EmailAddress("secret.person@example..com")
        }
        #expect(error?.description.contains("secret.person") == false)
        #expect(
            error?.description == "invalid email address: domain has an empty label (two dots in a row)")
    }
}
