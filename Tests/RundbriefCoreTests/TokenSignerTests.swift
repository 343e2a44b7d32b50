import Foundation
import Testing

@testable import RundbriefCore

struct TokenSignerTests {
    static let oldKey = TokenKey(id: "k1", secret: Array(repeating: 0x11, count: 32))
    static let newKey = TokenKey(id: "k2", secret: Array(repeating: 0x22, count: 32))
    static let issued = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    static let claims = TokenClaims(
        purpose: .unsubscribe, subscriberID: 123_456, listID: 7, issued: issued)

    let signer = TokenSigner(keys: [Self.oldKey])

    @Test func roundTrips() throws {
        for claims in [
            Self.claims,
            TokenClaims(purpose: .confirm, subscriberID: 1, listID: nil, issued: Self.issued),
            TokenClaims(
                purpose: .bounce, subscriberID: .max, listID: .min, issued: Date(timeIntervalSince1970: 0)),
            // One confirmation for a sign-up to several lists.
            TokenClaims(
                purpose: .confirm, subscriberID: 42, listID: 3, moreListIDs: [5, 1_000_000], issued: Self.issued),
        ] {
            let token = signer.sign(claims)
            #expect(
                try signer.verify(token, purpose: claims.purpose, now: Self.issued, maxAge: nil) == claims)
        }
    }

    /// A token naming several lists keeps them all, and a single-list token has none more, as before.
    @Test func aConfirmationNamesEveryListOfItsSignUp() throws {
        let several = TokenClaims(
            purpose: .confirm, subscriberID: 42, listID: 3, moreListIDs: [5, 9], issued: Self.issued)
        let verified = try signer.verify(signer.sign(several), purpose: .confirm, now: Self.issued, maxAge: nil)
        #expect(verified.listIDs == [3, 5, 9])
        let single = try signer.verify(signer.sign(Self.claims), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        #expect(single.listIDs == [7])
        #expect(single.moreListIDs.isEmpty)
    }

    @Test func anUnsubscribeTokenCarriesItsSendAndOlderTokensStillVerifyWithout() throws {
        var claims = Self.claims
        claims.sendID = 4_321
        let token = signer.sign(claims)
        let verified = try signer.verify(token, purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        #expect(verified.sendID == 4_321 && verified == claims)
        // Without a send (every token made before sends carried one) nothing changes.
        let plain = signer.sign(Self.claims)
        #expect(try signer.verify(plain, purpose: .unsubscribe, now: Self.issued, maxAge: nil).sendID == nil)
        // Two more bytes at most for a send id below 2^13: the URL still fits a header line.
        #expect(Base64URL.decode(token)!.count - Base64URL.decode(plain)!.count == 2)
    }

    @Test func tokensAreShortAndURLSafe() {
        let token = signer.sign(Self.claims)
        #expect(token.count <= 44)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(token.allSatisfy { $0.isASCII })
    }

    @Test func dropsSubSecondPrecision() throws {
        var claims = Self.claims
        claims.issued = Self.issued.addingTimeInterval(0.75)
        let verified = try signer.verify(
            signer.sign(claims), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        #expect(verified.issued == Self.issued)
    }

    @Test func rotationVerifiesOldAndSignsWithNew() throws {
        let rotated = TokenSigner(keys: [Self.newKey, Self.oldKey])
        let oldToken = signer.sign(Self.claims)
        #expect(
            try rotated.verify(oldToken, purpose: .unsubscribe, now: Self.issued, maxAge: nil)
                == Self.claims)
        let newToken = rotated.sign(Self.claims)
        #expect(newToken != oldToken)
        #expect(throws: TokenError(.unknownKey)) {
            try signer.verify(newToken, purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        }
    }

    @Test func rejectsForgery() {
        // Same key id, different secret: what an attacker who guessed the id could make.
        let forger = TokenSigner(keys: [TokenKey(id: "k1", secret: Array(repeating: 0x12, count: 32))])
        #expect(throws: TokenError(.badSignature)) {
            try signer.verify(
                forger.sign(Self.claims), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        }
    }

    @Test func rejectsWrongPurpose() {
        let confirm = signer.sign(
            TokenClaims(purpose: .confirm, subscriberID: 9, listID: 1, issued: Self.issued))
        #expect(throws: TokenError(.wrongPurpose)) {
            try signer.verify(confirm, purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        }
    }

    @Test func expiresAfterMaxAge() throws {
        let token = signer.sign(Self.claims)
        let day = Duration.seconds(86_400)
        let justInTime = Self.issued.addingTimeInterval(86_400)
        #expect(
            try signer.verify(token, purpose: .unsubscribe, now: justInTime, maxAge: day) == Self.claims)
        #expect(throws: TokenError(.expired)) {
            try signer.verify(
                token, purpose: .unsubscribe, now: justInTime.addingTimeInterval(1), maxAge: day)
        }
        #expect(
            try signer.verify(token, purpose: .unsubscribe, now: .distantFuture, maxAge: nil)
                == Self.claims)
    }

    @Test(arguments: ["", "a", "AAAA", "not a token!", "AQJrMQ==", String(repeating: "A", count: 40)])
    func rejectsMalformed(_ token: String) {
        #expect(throws: TokenError(.malformed)) {
            try signer.verify(token, purpose: .unsubscribe, now: Self.issued, maxAge: nil)
        }
    }

    @Test func rejectsEveryTruncation() {
        let token = signer.sign(Self.claims)
        for length in 0..<token.count {
            #expect(throws: TokenError.self, "length \(length)") {
                try signer.verify(
                    String(token.prefix(length)), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
            }
        }
    }

    @Test func rejectsTamperingWithEveryByteAndBit() throws {
        let token = signer.sign(Self.claims)
        let bytes = try #require(Base64URL.decode(token))
        for index in bytes.indices {
            for bit in 0..<8 {
                var tampered = bytes
                tampered[index] ^= 1 << bit
                #expect(throws: TokenError.self, "byte \(index) bit \(bit)") {
                    try signer.verify(
                        Base64URL.encode(tampered), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
                }
            }
        }
    }

    @Test func rejectsEveryAlteredCharacter() {
        let token = Array(signer.sign(Self.claims))
        for index in token.indices {
            for replacement in ["A", "z", "-", "_", "0"] where String(token[index]) != replacement {
                var altered = token
                altered[index] = Character(replacement)
                #expect(throws: TokenError.self) {
                    try signer.verify(String(altered), purpose: .unsubscribe, now: Self.issued, maxAge: nil)
                }
            }
        }
    }

    @Test func base64URLMatchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(expected) == bytes)
        }
    }

    @Test func verpRoundTripsIgnoringCase() {
        let address = VERPAddress.make(
            deliveryID: 987_654_321, localPart: "bounces", domain: "news.example.de", signer: signer)
        #expect(address.hasPrefix("bounces+987654321-"))
        #expect(address.hasSuffix("@news.example.de"))
        #expect(
            VERPAddress.deliveryID(in: address, localPart: "bounces", signer: signer) == 987_654_321)
        #expect(
            VERPAddress.deliveryID(in: address.uppercased(), localPart: "bounces", signer: signer)
                == 987_654_321)
        #expect(
            VERPAddress.deliveryID(in: "<\(address)>", localPart: "Bounces", signer: signer)
                == 987_654_321)
    }

    @Test func verpSurvivesRotation() {
        let address = VERPAddress.make(
            deliveryID: 42, localPart: "bounces", domain: "x.de", signer: signer)
        let rotated = TokenSigner(keys: [Self.newKey, Self.oldKey])
        #expect(VERPAddress.deliveryID(in: address, localPart: "bounces", signer: rotated) == 42)
        #expect(
            VERPAddress.make(deliveryID: 42, localPart: "bounces", domain: "x.de", signer: rotated)
                != address)
    }

    @Test func verpRejectsForgedAndForeignAddresses() {
        let address = VERPAddress.make(
            deliveryID: 42, localPart: "bounces", domain: "x.de", signer: signer)
        let tag = address.split(separator: "-").last!.split(separator: "@").first!
        let forgedID = "bounces+43-\(tag)@x.de"
        for candidate in [
            forgedID, "bounces+42@x.de", "bounces+42-@x.de", "bounces@x.de", "someone@x.de",
            "bounces+042-\(tag)@x.de",
            "other+42-\(tag)@x.de", "bounces+42-\(tag)x@x.de", "bounces+42-\(tag)", "",
        ] {
            #expect(
                VERPAddress.deliveryID(in: candidate, localPart: "bounces", signer: signer) == nil,
                "\(candidate)")
        }
        let stranger = TokenSigner(keys: [Self.newKey])
        #expect(VERPAddress.deliveryID(in: address, localPart: "bounces", signer: stranger) == nil)
    }
}
