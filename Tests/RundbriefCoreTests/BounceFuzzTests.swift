import Foundation
import RundbriefCore
import RundbriefTestSupport
import Testing

/// Mutates corpus messages (byte flips, truncation, duplicated boundaries, deep
/// nesting, huge headers) and checks the parser survives each in bounded time.
@Suite("Bounce fuzzing")
struct BounceFuzzTests {
    static let mutationKinds: UInt64 = 7

    static func mutate(_ message: [UInt8], kind: UInt64, using random: inout SplitMix64) -> [UInt8] {
        var bytes = message
        switch kind {
        case 0:
            for _ in 0..<(1 + random.next() % 32) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
        case 1:
            bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        case 2:
            let boundaryLine = Array("\n--b0und4ry\n--000000000000rep01\n--_002_alt_\n".utf8)
            let at = Int(random.next() % UInt64(bytes.count + 1))
            bytes.insert(contentsOf: Array(repeating: boundaryLine, count: 500).joined(), at: at)
        case 3:
            var nested: [UInt8] = []
            for level in 0..<300 {
                nested += Array(
                    "Content-Type: multipart/mixed; boundary=\"n\(level)\"\n\n--n\(level)\n".utf8)
            }
            bytes = nested + bytes
        case 4:
            let huge = Array("X-Huge: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 300_000) + [10]
            let folded = Array(repeating: Array(" =?utf-8?q?=C3=BC?=\n".utf8), count: 5_000).joined()
            bytes = huge + Array("Subject: x\n".utf8) + folded + bytes
        case 5:
            let noise = Array("@.@<>;=?=?q?rfc822;5.1.1 550 ".utf8)
            for _ in 0..<2_000 { bytes.append(noise[Int(random.next() % UInt64(noise.count))]) }
        default:
            bytes = Array(bytes.reversed())
        }
        return bytes
    }

    @Test func mutatedCorpusNeverCrashesAndStaysFast() {
        let corpus = BounceFixtures.all().map(\.message)
        #expect(!corpus.isEmpty)
        let parser = BounceParser(verpDeliveryID: BounceFixtures.resolver)
        var random = SplitMix64(seed: 0x5EED)
        let clock = ContinuousClock()
        var slowest = Duration.zero
        func check(_ message: [UInt8]) {
            let started = clock.now
            let report = parser.parse(message)
            slowest = max(slowest, clock.now - started)
            #expect(report.recipients.allSatisfy { !$0.address.isEmpty && $0.address.contains("@") })
        }
        // Every mutation at least once on a spread of samples, then random ones for ~3 s.
        for (index, message) in corpus.enumerated() where index % 8 == 0 {
            for kind in 0..<Self.mutationKinds { check(Self.mutate(message, kind: kind, using: &random)) }
        }
        let deadline = clock.now.advanced(by: .seconds(3))
        while clock.now < deadline {
            let message = corpus[Int(random.next() % UInt64(corpus.count))]
            check(Self.mutate(message, kind: random.next() % Self.mutationKinds, using: &random))
        }
        // A bound far above the normal cost (well under 0.1 s per message) yet far below what a
        // quadratic scan of these ≤ 0.5 MB inputs would take: catches blow-ups, not jitter.
        #expect(slowest < .seconds(5), "slowest message took \(slowest)")
    }
}
