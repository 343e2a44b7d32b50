import Testing

@testable import RundbriefCore

@Suite struct SignedMessageIDTests {
    static let first = TokenKey(id: "k1", secret: Array(repeating: 1, count: 32))
    static let second = TokenKey(id: "k2", secret: Array(repeating: 2, count: 32))
    let signer = TokenSigner(keys: [Self.first])

    @Test func itNamesItsDeliveryAndNothingElse() throws {
        let id = try SignedMessageID.make(sendID: 7, subscriberID: 42, domain: "news.example.org", signer: signer)
        #expect(id.value.hasPrefix("rb.7.42."))
        #expect(
            id == (try SignedMessageID.make(sendID: 7, subscriberID: 42, domain: "news.example.org", signer: signer)))
        let named = try #require(SignedMessageID.delivery(in: " \(id.description.uppercased()) ", signer: signer))
        #expect(named.sendID == 7 && named.subscriberID == 42)
        // Another subscriber with the same tag, another key, the old unsigned form: none verifies.
        let tag = id.value.split(separator: ".")[3].split(separator: "@")[0]
        #expect(SignedMessageID.delivery(in: "<rb.7.43.\(tag)@news.example.org>", signer: signer) == nil)
        let other = TokenSigner(keys: [Self.second])
        #expect(SignedMessageID.delivery(in: id.description, signer: other) == nil)
        let unsigned = try MessageID(sendID: 7, subscriberID: 42, domain: "news.example.org")
        #expect(SignedMessageID.delivery(in: unsigned.description, signer: signer) == nil)
        // After a key rotation, the old key still verifies.
        let rotated = TokenSigner(keys: [Self.second, Self.first])
        #expect(SignedMessageID.delivery(in: id.description, signer: rotated) != nil)
    }
}
