/// Finds SMTP reply codes ("550") and enhanced status codes ("5.1.1", qmail's "#5.1.1")
/// in diagnostic text with hand-written scans, never confusing IP addresses,
/// versions or dates for codes.
enum StatusCodeScanner {
    /// The first enhanced status code of class 4 or 5, else the first of class 2.
    static func enhancedStatus(in text: some StringProtocol) -> String? {
        let bytes = Array(text.utf8)
        var successCode: String?
        var index = 0
        while index < bytes.count {
            if let (code, end) = enhancedStatus(bytes, at: index) {
                if code.first != "2" { return code }
                if successCode == nil { successCode = code }
                index = end
                continue
            }
            index += 1
        }
        return successCode
    }

    /// The enhanced status codes in the order they appear, at most `limit` of them.
    static func enhancedStatuses(in text: some StringProtocol, limit: Int) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var index = 0
        while index < bytes.count, result.count < limit {
            if let (code, end) = enhancedStatus(bytes, at: index) {
                result.append(code)
                index = end
                continue
            }
            index += 1
        }
        return result
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func enhancedStatus(_ bytes: [UInt8], at index: Int) -> (String, Int)? {
        let first = bytes[index]
        guard first == UInt8(ascii: "2") || first == UInt8(ascii: "4") || first == UInt8(ascii: "5")
        else { return nil }
        if index > 0, isDigit(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ".") { return nil }
        var cursor = index + 1
        for _ in 0..<2 {
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") else { return nil }
            cursor += 1
            let digitsStart = cursor
            while cursor < bytes.count, isDigit(bytes[cursor]), cursor - digitsStart < 4 { cursor += 1 }
            let count = cursor - digitsStart
            guard count >= 1, count <= 3 else { return nil }
        }
        // "5.1.1.1" is an address or a version; "5.1.1." ending a sentence is a code.
        if cursor < bytes.count, isDigit(bytes[cursor]) { return nil }
        if cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "."), isDigit(bytes[cursor + 1]) {
            return nil
        }
        return (String(decoding: bytes[index..<cursor], as: UTF8.self), cursor)
    }

    private static let leading: Set<UInt8> = Set(" \t(<'\":#=;[".utf8)
    private static let trailing: Set<UInt8> = Set(" \t-,):;'\"]".utf8)

    /// The first three-digit reply code of class 4 or 5 that stands alone as a word.
    static func replyCode(in text: some StringProtocol) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        while index + 3 <= bytes.count {
            let first = bytes[index]
            if (first == UInt8(ascii: "4") || first == UInt8(ascii: "5")) && isDigit(bytes[index + 1])
                && isDigit(bytes[index + 2]) && (index == 0 || leading.contains(bytes[index - 1]))
                && (index + 3 == bytes.count || trailing.contains(bytes[index + 3]))
            {
                return Int(first - 48) * 100 + Int(bytes[index + 1] - 48) * 10 + Int(bytes[index + 2] - 48)
            }
            index += 1
        }
        return nil
    }
}
