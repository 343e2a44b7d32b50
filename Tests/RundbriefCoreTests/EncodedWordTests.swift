import PropertyBased
import Testing

@testable import RundbriefCore

@Suite struct EncodedWordTests {
    @Test func choosesQForMostlyASCIIAndBForMostlyNonASCII() {
        #expect(
            EncodedWord.encode("Landesbeauftragter für IKZ") == [
                "=?utf-8?q?Landesbeauftragter_f=C3=BCr_IKZ?="
            ])
        #expect(EncodedWord.encode("😀😀😀") == ["=?utf-8?b?8J+YgPCfmIDwn5iA?="])
    }

    @Test func wordsStayShortAndHoldWholeCharacters() throws {
        let text = String(repeating: "Grüße aus Köln 👩‍👩‍👧 ", count: 12)
        let words = EncodedWord.encode(text)
        #expect(words.count > 3)
        for word in words {
            #expect(word.utf8.count <= 75)
            let bytes = try #require(try EncodedWord.decode(Substring(word)))
            #expect(String(validating: bytes, as: UTF8.self) != nil, "a word split a UTF-8 sequence")
        }
        #expect(try EncodedWord.decodeHeaderValue(" " + words.joined(separator: "\r\n ")) == text)
    }

    @Test func decodesForeignWords() throws {
        #expect(
            try EncodedWord.decodeHeaderValue(" =?UTF-8?Q?F=C3=BCr?= =?utf-8?B?IGFsbGU=?= da")
                == "Für alle da")
        #expect(try EncodedWord.decodeHeaderValue(" a =?x?y?= b") == "a =?x?y?= b")
        #expect(throws: MIMEError.self) { try EncodedWord.decodeHeaderValue(" =?utf-8?b?!!!?=") }
    }

    @Test func decodeInvertsEncodeOverNastyText() async {
        await propertyCheck(count: 300, input: NastyText.text) { text in
            let words = EncodedWord.encode(text)
            #expect(words.allSatisfy { $0.utf8.count <= EncodedWord.maxLength })
            #expect((try? EncodedWord.decodeHeaderValue(" " + words.joined(separator: " "))) == text)
        }
    }

    @Test func unstructuredHeadersRoundTripOverNastyText() async {
        await propertyCheck(count: 400, input: NastyText.headerText) { text in
            guard let field = try? HeaderField(name: "Subject", text: text) else {
                Issue.record("cannot write \(text.debugDescription)")
                return
            }
            #expect((try? EncodedWord.decodeHeaderValue(" " + field.value)) == text)
            var bytes: [UInt8] = []
            field.write(to: &bytes)
            let lines = crlfLines(bytes).dropLast()
            #expect(lines.allSatisfy { $0.count <= 78 })
            #expect(lines.allSatisfy { $0.allSatisfy { (0x20...0x7E).contains($0) } })
            #expect(lines.dropFirst().allSatisfy { $0.first == 0x20 && $0.contains { $0 != 0x20 } })
        }
    }
}
