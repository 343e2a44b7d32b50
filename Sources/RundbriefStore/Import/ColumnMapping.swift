import Foundation
import RundbriefCore

/// Which CSV column holds what, decided once from the header row.
struct ColumnMapping {
    private static let emailNames: Set<String> = [
        "email", "e-mail", "mail", "email address", "e-mail address", "emailaddress", "email_address",
        "e-mail-adresse", "emailadresse", "e-mailadresse", "email-adresse", "mailadresse", "adresse",
    ]
    private static let nameNames: Set<String> = [
        "name", "full name", "full_name", "fullname", "vollständiger name",
    ]
    private static let firstNames: Set<String> = [
        "first name", "first_name", "firstname", "given name", "vorname",
    ]
    private static let lastNames: Set<String> = [
        "last name", "last_name", "lastname", "surname", "family name", "nachname",
    ]

    let email: Int
    /// `subscribers export` writes these two: not attributes, but the subscriber's own fields.
    let status: Int?
    let createdAt: Int?
    let name: Int?
    let first: Int?
    let last: Int?
    /// Attribute key by column index, for the remaining columns.
    let attributes: [(index: Int, key: String)]

    init(header: [String]) throws {
        let keys = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let email = keys.firstIndex(where: { Self.emailNames.contains($0) }) else {
            let shown = header.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            throw ImportError(
                "no email column in the header row (found \(shown)); name one column 'email'")
        }
        self.email = email
        status = keys.firstIndex(of: "status")
        createdAt = keys.firstIndex(of: "created_at")
        name = keys.firstIndex { Self.nameNames.contains($0) }
        first = name == nil ? keys.firstIndex { Self.firstNames.contains($0) } : nil
        last = name == nil ? keys.firstIndex { Self.lastNames.contains($0) } : nil
        let used = Set([email, status, createdAt, name, first, last].compactMap { $0 })
        var attributes: [(Int, String)] = []
        for (index, key) in keys.enumerated() where !used.contains(index) && !key.isEmpty {
            attributes.append((index, key))
        }
        self.attributes = attributes
    }

    func row(from record: CSVRow) -> Result<PendingRow, RowError> {
        let fields = record.fields
        guard email < fields.count else {
            return .failure(RowError("missing the email column", german: "die Spalte mit der E-Mail-Adresse fehlt"))
        }
        let raw = fields[email]
        if raw.trimmedField.isEmpty {
            return .failure(RowError("empty email", german: "keine E-Mail-Adresse"))
        }
        let address: EmailAddress
        do {
            address = try EmailAddress(raw)
        } catch {
            return .failure(
                RowError("invalid address: \(error.reason)", german: "ungültige Adresse: \(error.german)"))
        }
        var name = self.name.map { field($0, of: fields) } ?? ""
        if self.name == nil {
            name = [first, last].compactMap { $0 }.map { field($0, of: fields) }.filter { !$0.isEmpty }
                .joined(separator: " ")
        }
        if name.contains(where: { $0.isNewline || $0 == "\0" }) {
            return .failure(RowError("the name contains a line break", german: "der Name enthält einen Zeilenumbruch"))
        }
        if let status, let value = SubscriberStatus(rawValue: field(status, of: fields)), value.isSticky {
            return .failure(
                RowError(
                    "the file says the subscriber is \(value.rawValue); not imported",
                    german: "laut Datei ist die Person \(SubscriberStatus.german(value)); nicht übernommen"))
        }
        var attributes: [String: String] = [:]
        for (index, key) in self.attributes where index < fields.count {
            let value = CSVLine.restored(fields[index].trimmedField)
            if !value.isEmpty { attributes[key] = value }
        }
        return .success(
            PendingRow(
                line: record.line, address: address, name: name, attributesJSON: JSONObject.encode(attributes),
                createdAt: createdAt.flatMap { Self.databaseTimestamp(field($0, of: fields)) }))
    }

    /// A text cell as the export wrote it, with the spreadsheet guard (`CSVLine.neutralised`) undone.
    private func field(_ index: Int, of fields: [String]) -> String {
        index < fields.count ? CSVLine.restored(fields[index].trimmedField) : ""
    }

    /// `2026-12-01T17:10:00Z` (the export's `created_at`) as the database writes dates, or nil for anything else.
    static func databaseTimestamp(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        guard bytes.count == 20, digits.allSatisfy({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }),
            bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
            bytes[19] == 0x5A
        else { return nil }
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(8)) + ".000"
    }
}

struct RowError: Error {
    var reason: String
    var german: String
    init(_ reason: String, german: String) {
        self.reason = reason
        self.german = german
    }
}

extension SubscriberStatus {
    /// The status as the console's German pages name it.
    static func german(_ status: SubscriberStatus) -> String {
        switch status {
        case .pending: "unbestätigt"
        case .active: "aktiv"
        case .unsubscribed: "abgemeldet"
        case .bounced: "unzustellbar"
        case .complained: "wegen einer Beschwerde gesperrt"
        }
    }
}

extension String {
    /// The field without surrounding spaces and tabs. Most fields have none, and then no copy is made
    /// (Foundation's `trimmingCharacters` bridges through NSString and cost more than the insert).
    var trimmedField: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard isBlank(first) || isBlank(last) || first == 0xC2 || last == 0xA0 else { return self }
        var scalars = Substring(self).unicodeScalars
        while let scalar = scalars.first, scalar.properties.isWhitespace { scalars.removeFirst() }
        while let scalar = scalars.last, scalar.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
