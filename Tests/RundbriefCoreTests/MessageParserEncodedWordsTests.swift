import Foundation
import Testing

@testable import RundbriefCore

/// RFC 2047 decoding of hostile headers: a Subject made of hundreds of thousands of
/// encoded words must cost time in proportion to its size, and its decoded text is capped.
@Suite("Message parser: encoded words at scale")
struct MessageParserEncodedWordsTests {
    /// `count` adjacent encoded words in one charset: the case where the decoder joins words.
    static func subject(words count: Int) -> String {
        String(repeating: "=?utf-8?q?=C3=BC?= ", count: count)
    }

    static func seconds(_ work: () -> Void) -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        work()
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func decodingTimeGrowsLinearlyWithTheNumberOfWords() {
        // 19 bytes a word: about 1 MB and 8 MB of Subject.
        let small = Self.subject(words: 55_000)
        let large = Self.subject(words: 8 * 55_000)
        var decodedSmall = ""
        var decodedLarge = ""
        // The best of three runs, so a busy machine slows a run down without failing the test.
        let smallTime = (0..<3).map { _ in
            Self.seconds { decodedSmall = EncodedWords.decode(small, maxBytes: .max) }
        }.min()!
        let largeTime = (0..<2).map { _ in
            Self.seconds { decodedLarge = EncodedWords.decode(large, maxBytes: .max) }
        }.min()!
        #expect(decodedSmall == String(repeating: "ü", count: 55_000) + " ")
        #expect(decodedLarge.count == 8 * 55_000 + 1)
        // Linear work gives a ratio near 8, a copy per word (quadratic) near 64.
        #expect(largeTime / max(smallTime, 1e-6) < 24, "1 MB: \(smallTime) s, 8 MB: \(largeTime) s")
    }

    @Test func decodedHeaderTextIsCapped() {
        let decoded = EncodedWords.decode(Self.subject(words: 400_000))
        #expect(decoded.utf8.count <= EncodedWords.maxDecodedBytes)
        #expect(decoded.utf8.count > EncodedWords.maxDecodedBytes - 16)
        #expect(decoded.allSatisfy { $0 == "ü" || $0 == " " })
    }

    @Test func theCapKeepsWholeCharactersAndShortHeadersWhole() {
        #expect(EncodedWords.decode("=?utf-8?q?Gr=C3=BC=C3=9Fe?= aus K=?iso-8859-1?q?=F6?=ln") == "Grüße aus Köln")
        let cut = EncodedWords.decode(Self.subject(words: 10), maxBytes: 5)
        #expect(cut == "üü")
    }
}
