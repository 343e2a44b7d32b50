/// Guesses a CSV file's delimiter from its first record.
///
/// German Excel writes `;` because `,` is the decimal separator there; some exports use tabs.
/// The candidate that occurs most often outside quotes wins; a tie or no candidate means `,`.
enum CSVDelimiterDetector {
    static let candidates: [UInt8] = [0x2C, 0x3B, 0x09]  // , ; tab

    static func detect(in bytes: ArraySlice<UInt8>) -> UInt8 {
        var counts = [0, 0, 0]
        var quoted = false
        var sawContent = false
        for byte in bytes {
            if byte == 0x22 {
                quoted.toggle()
            } else if !quoted {
                // Leading empty lines are skipped by the reader, so they do not end the first record.
                if byte == 0x0A || byte == 0x0D {
                    if sawContent { break } else { continue }
                }
                if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
            }
            sawContent = true
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else {
            return candidates[0]
        }
        return counts[best] > counts[0] ? candidates[best] : candidates[0]
    }
}
