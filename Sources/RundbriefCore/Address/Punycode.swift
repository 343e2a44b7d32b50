/// Punycode (RFC 3492): the Bootstring encoding IDNA uses to spell Unicode labels in ASCII.
///
/// Only the raw transformation lives here; the `xn--` prefix, case mapping and label
/// rules belong to ``IDNA``.
public enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 128
    private static let delimiter: UInt8 = 0x2D  // "-"

    /// Encodes a Unicode string as Punycode (without any `xn--` prefix).
    /// - Returns: the ASCII encoding, or `nil` if the input is too long to encode without overflow.
    public static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map(\.value)
        var output: [UInt8] = scalars.filter { $0 < 0x80 }.map { UInt8($0) }
        let basicCount = UInt32(output.count)
        if basicCount > 0 { output.append(delimiter) }
        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        var handled = basicCount
        while handled < UInt32(scalars.count) {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (scaled, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, let advanced = add(delta, scaled) else { return nil }
            delta = advanced
            n = m
            for c in scalars {
                if c < n {
                    guard let next = add(delta, 1) else { return nil }
                    delta = next
                }
                if c == n {
                    appendVariableInteger(delta, bias: bias, to: &output)
                    bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            guard let next = add(delta, 1), let nextN = add(n, 1) else { return nil }
            delta = next
            n = nextN
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Punycode (without any `xn--` prefix) back to Unicode.
    /// - Returns: the decoded string, or `nil` if the input is not valid Punycode.
    public static func decode(_ input: String) -> String? {
        let bytes = Array(input.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let split = bytes.lastIndex(of: delimiter)
        var output: [UInt32] = split.map { bytes[..<$0].map(UInt32.init) } ?? []
        var position = split.map { $0 + 1 } ?? 0
        var n = initialN
        var i: UInt32 = 0
        var bias = initialBias
        while position < bytes.count {
            let oldI = i
            var weight: UInt32 = 1
            var k = base
            while true {
                guard position < bytes.count, let digit = digitValue(bytes[position]) else { return nil }
                position += 1
                let (term, overflow) = digit.multipliedReportingOverflow(by: weight)
                guard !overflow, let sum = add(i, term) else { return nil }
                i = sum
                let t = threshold(k: k, bias: bias)
                if digit < t { break }
                let (nextWeight, weightOverflow) = weight.multipliedReportingOverflow(by: base - t)
                guard !weightOverflow else { return nil }
                weight = nextWeight
                k += base
            }
            let count = UInt32(output.count + 1)
            bias = adapt(delta: i - oldI, count: count, first: oldI == 0)
            guard let nextN = add(n, i / count) else { return nil }
            n = nextN
            i %= count
            guard n >= 0x80, Unicode.Scalar(n) != nil else { return nil }
            output.insert(n, at: Int(i))
            i += 1
        }
        var result = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            result.append(scalar)
        }
        return String(result)
    }

    private static func add(_ a: UInt32, _ b: UInt32) -> UInt32? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    private static func threshold(k: UInt32, bias: UInt32) -> UInt32 {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    private static func appendVariableInteger(_ value: UInt32, bias: UInt32, to output: inout [UInt8]) {
        var q = value
        var k = base
        while true {
            let t = threshold(k: k, bias: bias)
            if q < t { break }
            output.append(digitCharacter(t + (q - t) % (base - t)))
            q = (q - t) / (base - t)
            k += base
        }
        output.append(digitCharacter(q))
    }

    private static func adapt(delta: UInt32, count: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digitCharacter(_ digit: UInt32) -> UInt8 {
        // 0..25 → "a".."z", 26..35 → "0".."9"
        digit < 26 ? UInt8(0x61 + digit) : UInt8(0x30 + digit - 26)
    }

    private static func digitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: UInt32(byte - 0x30 + 26)
        case 0x41...0x5A: UInt32(byte - 0x41)
        case 0x61...0x7A: UInt32(byte - 0x61)
        default: nil
        }
    }
}
