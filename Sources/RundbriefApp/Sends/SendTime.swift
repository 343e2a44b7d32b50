public import Foundation

/// Send times as people write them: "YYYY-MM-DD HH:MM" in the delivery time zone, or "now".
public enum SendTime {
    /// Reads `text` in the time zone named `zone`.
    /// - Throws: ``OperationError`` `.configuration` for an unknown zone, `.invalid` for an unreadable time.
    public static func parse(_ text: String, timeZone name: String, now: Date) throws(OperationError) -> Date {
        if text.lowercased() == "now" { return now }
        guard let zone = TimeZone(identifier: name) else {
            throw OperationError(.configuration, "unknown time zone \(name) in delivery.timezone")
        }
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        throw OperationError(.usage, "invalid time \(text): expected \"YYYY-MM-DD HH:MM\" (in \(name)) or \"now\"")
    }

    /// `date` as "YYYY-MM-DD HH:MM ZONE" in the time zone named `zone`.
    public static func format(_ date: Date, timeZone name: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: name) ?? .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: date)
    }
}
