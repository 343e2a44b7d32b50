import Foundation

/// A real HTTP client for the daemon's listeners: curl, with a cookie jar like a browser's.
struct HTTPClient {
    struct Answer {
        var status: Int
        /// Header names lower-cased; a repeated header's values joined with "\n".
        var headers: [String: String]
        var body: String
    }

    /// The cookie jar (Netscape format, as curl writes it); nil sends no cookies.
    var cookieJar: String?

    init(cookieJar: String? = nil) {
        self.cookieJar = cookieJar
    }

    /// - Parameters:
    ///   - form: sent as `application/x-www-form-urlencoded`.
    ///   - json: sent as `application/json`.
    func send(
        _ method: String, _ url: String, headers: [String: String] = [:], form: [(String, String)]? = nil,
        json: String? = nil, bodyFile: String? = nil, bodyType: String = "application/json"
    ) throws -> Answer {
        let headerFile = FileManager.default.temporaryDirectory.appendingPathComponent("hdr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headerFile) }
        var arguments = ["-sS", "--max-time", "20", "-X", method, "-D", headerFile, "-o", "-"]
        if let cookieJar { arguments += ["-b", cookieJar, "-c", cookieJar] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let form {
            for (name, value) in form { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        }
        if let json { arguments += ["-H", "Content-Type: application/json", "--data-binary", json] }
        if let bodyFile { arguments += ["-H", "Content-Type: \(bodyType)", "--data-binary", "@" + bodyFile] }
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/curl"), arguments + [url])
        let head = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields[name] = fields[name].map { $0 + "\n" + value } ?? value
        }
        return Answer(status: status, headers: fields, body: result.stdout)
    }

    /// The value of `<input … name="NAME" value="VALUE">` in a page.
    static func hiddenField(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
