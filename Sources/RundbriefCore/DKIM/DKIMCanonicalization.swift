/// The "relaxed" canonicalization of RFC 6376 §3.4.2 and §3.4.4.
public enum DKIMCanonicalization {
    /// `name:value` with the name lowercased, the value unfolded, whitespace runs
    /// reduced to one space and whitespace at both ends of the value removed.
    public static func relaxedHeader(name: String, value: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(name.utf8.count + value.utf8.count + 1)
        for byte in name.utf8 { output.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte) }
        output.append(0x3A)
        var pendingSpace = false
        var started = false
        for byte in value.utf8 {
            switch byte {
            case ASCII.cr, ASCII.lf: continue
            case ASCII.space, ASCII.tab: pendingSpace = started
            default:
                if pendingSpace { output.append(ASCII.space) }
                pendingSpace = false
                started = true
                output.append(byte)
            }
        }
        return output
    }

    /// The body with whitespace runs in each line reduced to one space, whitespace
    /// at line ends removed and empty lines at the end removed; a non-empty result
    /// ends in CRLF.
    public static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count)
        var pendingEmptyLines = 0
        var line: [UInt8] = []
        var index = 0
        while index <= body.count {
            let atBreak = index + 1 < body.count && body[index] == ASCII.cr && body[index + 1] == ASCII.lf
            if index == body.count || atBreak {
                collapse(&line)
                if line.isEmpty {
                    if atBreak { pendingEmptyLines += 1 }
                } else {
                    for _ in 0..<pendingEmptyLines { output.append(contentsOf: ASCII.crlf) }
                    pendingEmptyLines = 0
                    output.append(contentsOf: line)
                    output.append(contentsOf: ASCII.crlf)
                }
                line.removeAll(keepingCapacity: true)
                index += atBreak ? 2 : 1
            } else {
                line.append(body[index])
                index += 1
            }
        }
        return output
    }

    /// Reduces whitespace runs to one space and drops trailing whitespace.
    private static func collapse(_ line: inout [UInt8]) {
        var result: [UInt8] = []
        result.reserveCapacity(line.count)
        var pendingSpace = false
        for byte in line {
            if byte == ASCII.space || byte == ASCII.tab {
                pendingSpace = true
            } else {
                if pendingSpace { result.append(ASCII.space) }
                pendingSpace = false
                result.append(byte)
            }
        }
        line = result
    }
}
