/// A set of lower-case phrases searched for in one pass over the text.
///
/// Phrases are bucketed by their first byte, so each text position only tries the
/// few phrases that can start there; matching is ASCII case-insensitive. Phrases
/// live in one flat buffer so the hot loop does no reference counting.
struct PhraseSet: Sendable {
    private var bytes: [UInt8] = []
    /// Per phrase: start in `bytes`, length, rank.
    private var phrases: [(start: Int, count: Int, rank: Int)] = []
    /// Per first byte: the range of `order` holding its phrases.
    private var bucketStart = [Int](repeating: 0, count: 257)
    private var order: [Int] = []

    /// - Parameter groups: Phrase lists; a match reports the index of its list (its rank).
    init(groups: [[String]]) {
        var byFirst = [[Int]](repeating: [], count: 256)
        for (rank, group) in groups.enumerated() {
            for phrase in group {
                let encoded = Array(phrase.lowercased().utf8)
                guard let first = encoded.first else { continue }
                byFirst[Int(first)].append(phrases.count)
                phrases.append((bytes.count, encoded.count, rank))
                bytes.append(contentsOf: encoded)
            }
        }
        for first in 0..<256 {
            bucketStart[first] = order.count
            order.append(contentsOf: byFirst[first])
        }
        bucketStart[256] = order.count
    }

    init(_ phrases: [String]) {
        self.init(groups: [phrases])
    }

    /// The lowest rank among the phrases found in `text`, or nil.
    func bestRank(in text: some Collection<UInt8>) -> Int? {
        scan(text, stopAtFirst: false)
    }

    func matches(in text: some Collection<UInt8>) -> Bool {
        scan(text, stopAtFirst: true) != nil
    }

    /// Whether the text starts with one of the phrases (after leading blanks).
    func matchesPrefix(of text: some Collection<UInt8>) -> Bool {
        let trimmed = Array(
            text.drop { ByteText.isBlank($0) || $0 == ByteText.cr || $0 == ByteText.lf })
        guard !trimmed.isEmpty else { return false }
        return trimmed.withUnsafeBufferPointer { haystack in
            bytes.withUnsafeBufferPointer { phraseBytes in
                firstRank(at: 0, haystack, phraseBytes, below: Int.max) != nil
            }
        }
    }

    private func scan(_ text: some Collection<UInt8>, stopAtFirst: Bool) -> Int? {
        let work = { (haystack: UnsafeBufferPointer<UInt8>) -> Int? in
            self.bytes.withUnsafeBufferPointer { phraseBytes in
                var best: Int?
                for index in 0..<haystack.count {
                    if let rank = self.firstRank(at: index, haystack, phraseBytes, below: best ?? Int.max) {
                        best = rank
                        if stopAtFirst || rank == 0 { return rank }
                    }
                }
                return best
            }
        }
        if let result = text.withContiguousStorageIfAvailable(work) { return result }
        return Array(text).withUnsafeBufferPointer(work)
    }

    @inline(__always)
    private func firstRank(
        at index: Int, _ haystack: UnsafeBufferPointer<UInt8>,
        _ phraseBytes: UnsafeBufferPointer<UInt8>, below limit: Int
    ) -> Int? {
        let first = Int(ByteText.lower(haystack[index]))
        var best: Int?
        for slot in bucketStart[first]..<bucketStart[first + 1] {
            let phrase = phrases[order[slot]]
            guard phrase.rank < (best ?? limit), haystack.count - index >= phrase.count else { continue }
            var offset = 1
            while offset < phrase.count,
                ByteText.lower(haystack[index + offset]) == phraseBytes[phrase.start + offset]
            {
                offset += 1
            }
            if offset == phrase.count { best = phrase.rank }
        }
        return best
    }
}
