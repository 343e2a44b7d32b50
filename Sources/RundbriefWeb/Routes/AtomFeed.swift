import Foundation
import RundbriefCore

/// An Atom 1.0 feed (RFC 4287) of one list's archived editions.
struct AtomFeed {
    var id: String
    var title: String
    var subtitle: String
    var author: String
    var selfURL: String
    var pageURL: String
    var language: String
    var updated: Date
    var entries: [Entry]

    struct Entry {
        var id: String
        var title: String
        var summary: String
        var url: String
        var published: Date
        /// The edition's body as HTML (`content type="html"`).
        var html: String
    }

    var xml: String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"\(Self.escape(language))\">\n"
        out += "<id>\(Self.escape(id))</id>\n<title>\(Self.escape(title))</title>\n"
        if !subtitle.isEmpty { out += "<subtitle>\(Self.escape(subtitle))</subtitle>\n" }
        out += "<updated>\(Self.timestamp(updated))</updated>\n"
        out += "<author><name>\(Self.escape(author))</name></author>\n"
        out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"\(Self.escape(selfURL))\"/>\n"
        out += "<link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(pageURL))\"/>\n"
        for entry in entries {
            out += "<entry>\n<id>\(Self.escape(entry.id))</id>\n<title>\(Self.escape(entry.title))</title>\n"
            out += "<published>\(Self.timestamp(entry.published))</published>\n"
            out += "<updated>\(Self.timestamp(entry.published))</updated>\n"
            out += "<link rel=\"alternate\" type=\"text/html\" href=\"\(Self.escape(entry.url))\"/>\n"
            if !entry.summary.isEmpty { out += "<summary>\(Self.escape(entry.summary))</summary>\n" }
            out += "<content type=\"html\">\(Self.escape(entry.html))</content>\n</entry>\n"
        }
        return out + "</feed>\n"
    }

    /// RFC 3339 in UTC, as Atom's date constructs want it.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Escaped for XML text and attributes; characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var clean = String.UnicodeScalarView()
        for scalar in text.unicodeScalars
        where scalar.value >= 0x20 || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            guard scalar.value != 0xFFFE, scalar.value != 0xFFFF else { continue }
            clean.append(scalar)
        }
        return HTMLEntities.escape(String(clean))
    }
}
