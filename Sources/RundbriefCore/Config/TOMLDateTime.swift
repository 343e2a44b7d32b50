/// Validation of TOML's date-time forms (RFC 3339 with TOML's relaxations); the text is kept as written.
///
/// Forms: offset date-time `1979-05-27T07:32:00.999-07:00`, local date-time `1979-05-27T07:32:00`,
/// local date `1979-05-27`, local time `07:32:00.5`. `T` may be `t` or a space.
enum TOMLDateTime {
    /// `YYYY-MM-DD` exactly.
    static func isDate(_ text: String) -> Bool {
        parseDate(Array(text.utf8)[...]) != nil && text.utf8.count == 10
    }

    /// Whether a token is meant as a date-time (so a malformed one gets a date-time error).
    static func looksLikeDateTime(_ token: String) -> Bool {
        let bytes = Array(token.utf8)
        let digits = bytes.prefix { (0x30...0x39).contains($0) }.count
        return (digits == 4 && bytes.count > 4 && bytes[4] == UInt8(ascii: "-"))
            || (digits == 2 && bytes.count > 2 && bytes[2] == UInt8(ascii: ":"))
    }

    static func isValid(_ token: String) -> Bool {
        let bytes = Array(token.utf8)[...]
        if bytes.count > 2, bytes[bytes.startIndex + 2] == UInt8(ascii: ":") {
            return parseTime(bytes).map(\.isEmpty) ?? false
        }
        guard let rest = parseDate(bytes) else { return false }
        if rest.isEmpty { return true }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(rest.first!),
            let afterTime = parseTime(rest.dropFirst())
        else { return false }
        return afterTime.isEmpty || isOffset(afterTime)
    }

    /// Parses `YYYY-MM-DD`, returning what follows.
    private static func parseDate(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let year = number(bytes, 4), separator(bytes, 4, "-"),
            let month = number(bytes.dropFirst(5), 2),
            separator(bytes, 7, "-"), let day = number(bytes.dropFirst(8), 2),
            (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        return bytes.dropFirst(10)
    }

    /// Parses `HH:MM:SS[.fraction]`, returning what follows.
    private static func parseTime(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let hour = number(bytes, 2), separator(bytes, 2, ":"),
            let minute = number(bytes.dropFirst(3), 2),
            separator(bytes, 5, ":"), let second = number(bytes.dropFirst(6), 2),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var rest = bytes.dropFirst(8)
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix { (0x30...0x39).contains($0) }
            guard !fraction.isEmpty else { return nil }
            rest = rest.dropFirst(1 + fraction.count)
        }
        return rest
    }

    private static func isOffset(_ bytes: ArraySlice<UInt8>) -> Bool {
        if bytes.count == 1 {
            return bytes.first == UInt8(ascii: "Z") || bytes.first == UInt8(ascii: "z")
        }
        guard bytes.count == 6, bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-"),
            let hour = number(bytes.dropFirst(), 2), separator(bytes, 3, ":"),
            let minute = number(bytes.dropFirst(4), 2)
        else { return false }
        return hour < 24 && minute < 60
    }

    private static func number(_ bytes: ArraySlice<UInt8>, _ count: Int) -> Int? {
        let digits = bytes.prefix(count)
        guard digits.count == count, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func separator(
        _ bytes: ArraySlice<UInt8>, _ offset: Int, _ character: Unicode.Scalar
    ) -> Bool {
        bytes.count > offset && bytes[bytes.startIndex + offset] == UInt8(ascii: character)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
