public import Foundation

/// A calendar day or minute in a filter (`"2025-01-01"`, `"2025-01-01 10:00"`), read in the
/// installation's time zone (`delivery.timezone`) when the filter runs.
public struct SegmentTime: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    /// The minute of the day, for the `"YYYY-MM-DD HH:MM"` form; `nil` for a whole day.
    public var hour: Int?
    public var minute: Int?

    /// Reads `"YYYY-MM-DD"` or `"YYYY-MM-DD HH:MM"`; `nil` for anything else or a day that does not exist.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || bytes.count == 16 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes[4] == 0x2D, bytes[7] == 0x2D, let year = number(0..<4), let month = number(5..<7),
            let day = number(8..<10), (1...12).contains(month), year >= 1900,
            (1...Self.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        if bytes.count == 16 {
            guard bytes[10] == 0x20, bytes[13] == 0x3A, let hour = number(11..<13), let minute = number(14..<16),
                hour < 24, minute < 60
            else { return nil }
            self.hour = hour
            self.minute = minute
        }
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        let date = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
        guard let hour, let minute else { return date }
        return date + " \(Self.pad(hour, 2)):\(Self.pad(minute, 2))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// When the day (or minute) begins in `zone`.
    public func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour ?? 0, minute: minute ?? 0)
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    /// When the day (or minute) ends in `zone`: the first instant after it.
    public func end(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = start(in: zone)
        let unit: Calendar.Component = hour == nil ? .day : .minute
        return calendar.date(byAdding: unit, value: 1, to: start) ?? start
    }
}
