import Foundation
import Testing

@testable import RundbriefCore

@Suite struct HeaderTests {
    private func written(_ field: HeaderField) -> String {
        var bytes: [UInt8] = []
        field.write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: ["Hallo\r\nBcc: x@example.org", "a\nb", "a\rb", "a\0b"])
    func refusesLineBreaksAndNULInEveryKindOfValue(_ value: String) {
        #expect(throws: MIMEError.self) { try HeaderField(name: "Subject", text: value) }
        #expect(throws: MIMEError.self) { try HeaderField(name: "Feedback-ID", structured: value) }
        #expect(throws: MIMEError.self) { try Mailbox(address: "a@example.org", displayName: value) }
        #expect(throws: MIMEError.self) { try Mailbox(address: value + "@example.org") }
        #expect(throws: MIMEError.self) { try HeaderField.listID(name: value, id: "news.example.org") }
        #expect(throws: MIMEError.self) {
            try HeaderField.listUnsubscribe(https: "https://x/" + value, mailto: "")
        }
    }

    @Test(arguments: ["", "Sub ject", "Subject:", "Süb", "X\r\nY"])
    func refusesInvalidNames(_ name: String) {
        #expect(throws: MIMEError.self) { try HeaderField(name: name, text: "x") }
    }

    @Test(arguments: ["", "no-at", "a@", "@b", "a b@c", "a..b@c", "ä@example.org", "a@b@c>", "<a@b>"])
    func refusesInvalidAddresses(_ address: String) {
        #expect(throws: MIMEError.self) { try Mailbox(address: address) }
    }

    @Test func writesDisplayNamesAsAtomsQuotedStringsOrEncodedWords() throws {
        let plain = try HeaderField(
            name: "From", mailboxes: [Mailbox(address: "a@example.org", displayName: "Max Muster")])
        #expect(plain.value == "Max Muster <a@example.org>")
        let quoted = try HeaderField(
            name: "From",
            mailboxes: [Mailbox(address: "a@example.org", displayName: "Muster, Max \"MM\"")])
        #expect(quoted.value == "\"Muster, Max \\\"MM\\\"\" <a@example.org>")
        let encoded = try HeaderField(
            name: "From",
            mailboxes: [Mailbox(address: "x@y.de", displayName: "Landesbeauftragter für IKZ")])
        #expect(encoded.value == "Landesbeauftragter =?utf-8?q?f=C3=BCr?= IKZ <x@y.de>")
        let list = try HeaderField(
            name: "To",
            mailboxes: [Mailbox(address: "a@b.de"), Mailbox(address: "c@d.de", displayName: "C")])
        #expect(list.value == "<a@b.de>, C <c@d.de>")
    }

    @Test func foldsLongValuesAtWhitespace() throws {
        let subject = String(repeating: "Interkommunale Zusammenarbeit ", count: 10) + "Ende"
        let text = written(try HeaderField(name: "Subject", text: subject))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count > 3)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.joined().dropFirst("Subject: ".count) == subject)
    }

    @Test func refusesAStructuredTokenTooLongToFold() {
        #expect(throws: MIMEError.self) {
            try HeaderField(
                name: "List-Unsubscribe", structured: "<https://x/\(String(repeating: "a", count: 1000))>")
        }
    }

    @Test func formatsDatesPerRFC5322() {
        #expect(MessageDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(
            MessageDate.format(Date(timeIntervalSince1970: 1_764_035_627))
                == "Tue, 25 Nov 2025 01:53:47 +0000")
        #expect(
            MessageDate.format(Date(timeIntervalSince1970: 951_782_400))
                == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(
            MessageDate.format(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    @Test func formatsDatesLikeFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        for seconds in stride(from: -2_000_000_000.0, to: 5_000_000_000, by: 86_400 * 37.3) {
            let date = Date(timeIntervalSince1970: seconds.rounded())
            #expect(MessageDate.format(date) == formatter.string(from: date))
        }
    }

    @Test func messageIDsAreStableAndUniquePerSendAndSubscriber() throws {
        let id = try MessageID(sendID: 7, subscriberID: 42, domain: "news.example.org")
        #expect(id == (try MessageID(sendID: 7, subscriberID: 42, domain: "news.example.org")))
        #expect(id.description.hasPrefix("<rb.7.42."))
        #expect(id.description.hasSuffix("@news.example.org>"))
        #expect(try MessageID(id.description) == id)
        var seen = Set<MessageID>()
        for send in Int64(1)...20 {
            for subscriber in Int64(1)...50 {
                seen.insert(
                    try MessageID(sendID: send, subscriberID: subscriber, domain: "news.example.org"))
            }
        }
        #expect(seen.count == 1000)
        #expect(throws: MIMEError.self) { try MessageID("<a b@c>") }
    }

    /// Python's email package keeps the space between two encoded words of a phrase; a long German
    /// name must still come back with single spaces, so only the words that need it are encoded.
    @Test func pythonReadsLongGermanDisplayNamesExactly() throws {
        let names = [
            "Landesbeauftragter für Interkommunale Zusammenarbeit NRW",
            "Geschäftsstelle für Öffentlichkeitsarbeit und Bürgerbeteiligung Düsseldorf-Süd",
            "Dr. Jörg Müller-Lüdenscheidt",
        ]
        for name in names {
            var bytes: [UInt8] = []
            try HeaderField(name: "From", mailboxes: [Mailbox(address: "x@y.de", displayName: name)]).write(to: &bytes)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                "import email, email.policy, sys; m = email.message_from_bytes(sys.stdin.buffer.read() + b'\\r\\nx', policy=email.policy.default); sys.stdout.write(m['From'].addresses[0].display_name)",
            ]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(bytes + Array("\r\n".utf8)))
            try input.fileHandleForWriting.close()
            let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(decoded == name)
        }
    }
}
