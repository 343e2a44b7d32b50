import Foundation
import Testing

@testable import RundbriefWeb

/// The console's CSV upload parser, fed what curl and Chromium send and bodies that are not well-formed.
@Suite struct MultipartFormTests {
    static let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    static let close = "--\(boundary)--\r\n"

    /// A part as Chromium writes it.
    static func part(_ name: String, _ value: String, filename: String? = nil) -> String {
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            + (filename.map { "; filename=\"\($0)\"\r\nContent-Type: text/csv" } ?? "") + "\r\n\r\n\(value)\r\n"
    }

    /// The parts as `name[filename]=text`, or the error's description.
    static func parse(_ body: String, boundary: String = boundary) -> String {
        do {
            let form = try MultipartForm(parsing: Array(body.utf8), boundary: boundary)
            return form.parts.map {
                "\($0.name)\($0.filename.map { "[\($0)]" } ?? "")=\(String(decoding: $0.body, as: UTF8.self))"
            }.joined(separator: " ")
        } catch {
            return "error: \(error)"
        }
    }

    static func error(_ body: String, boundary: String = boundary) -> MultipartForm.Malformed? {
        do {
            _ = try MultipartForm(parsing: Array(body.utf8), boundary: boundary)
            return nil
        } catch {
            return error
        }
    }

    @Test("what `curl -F` sends (the upload tests' client) gives its fields and the file with its name")
    func curlUpload() throws {
        let contentType = "multipart/form-data; boundary=------------------------8fd0c688051198b0"
        let boundary = try #require(MultipartForm.boundary(contentType: contentType))
        #expect(boundary == "------------------------8fd0c688051198b0")
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="csrf"\r
            \r
            TOKEN123\r
            --\(boundary)\r
            Content-Disposition: form-data; name="list"\r
            \r
            news\r
            --\(boundary)\r
            Content-Disposition: form-data; name="file"; filename="neu.csv"\r
            Content-Type: text/csv\r
            \r
            email
            neu@example.de
            \r
            --\(boundary)--\r

            """
        let form = try MultipartForm(parsing: Array(body.utf8), boundary: boundary)
        #expect(form["csrf"] == "TOKEN123")
        #expect(form["list"] == "news")
        #expect(form.part("file")?.filename == "neu.csv")
        #expect(form.part("file").map { String(decoding: $0.body, as: UTF8.self) } == "email\nneu@example.de\n")
        #expect(form["status"] == nil)
    }

    @Test("what Chromium sends, a preamble before the first boundary and '--boundary' inside a line are data")
    func wellFormed() {
        let csv = "email,name\npresse@example.de,Presse\n"
        #expect(
            Self.parse(Self.part("csrf", "T") + Self.part("file", csv, filename: "presse.csv") + Self.close)
                == "csrf=T file[presse.csv]=\(csv)")
        #expect(Self.parse("ignored preamble\r\n" + Self.part("list", "news") + Self.close) == "list=news")
        #expect(
            Self.parse(Self.part("list", "news--\(Self.boundary)x") + Self.close) == "list=news--\(Self.boundary)x")
    }

    @Test("a quoted filename keeps its ';' and '=', and a backslash stays")
    func filenames() {
        #expect(
            Self.parse(Self.part("file", "email\n", filename: "liste;neu=2.csv") + Self.close)
                == "file[liste;neu=2.csv]=email\n")
        #expect(
            Self.parse(Self.part("file", "email\n", filename: #"C:\Presse\liste.csv"#) + Self.close)
                == #"file[C:\Presse\liste.csv]=email"# + "\n")
    }

    @Test("the limits: 16 parts and a field of 8 KiB pass; a file may be larger than a field")
    func limits() {
        let sixteen = (0..<16).map { Self.part("f\($0)", "v") }.joined() + Self.close
        #expect(Self.parse(sixteen).split(separator: " ").count == 16)
        let field = String(repeating: "x", count: MultipartForm.maxFieldBytes)
        #expect(Self.parse(Self.part("list", field) + Self.close) == "list=\(field)")
        let file = String(repeating: "someone@example.de\n", count: 10_000)
        #expect(Self.parse(Self.part("file", file, filename: "big.csv") + Self.close) == "file[big.csv]=\(file)")
    }

    static let b = boundary
    static let malformed: [(String, String, MultipartForm.Malformed)] = [
        (
            "no closing boundary", part("csrf", "T") + part("file", "email\n", filename: "a.csv").dropLast(2),
            .truncated
        ),
        (
            "cut off in the headers", part("csrf", "T") + "--\(b)\r\nContent-Disposition: form-da",
            .truncated
        ),
        ("cut off after the last boundary", part("csrf", "T") + "--\(b)", .truncated),
        ("closed with one '-'", part("csrf", "T") + "--\(b)-\r\n", .badDelimiter(part: 2)),
        ("a part without headers", part("csrf", "T") + "--\(b)\r\n\r\nvalue\r\n" + close, .noName(part: 2)),
        (
            "a part without Content-Disposition",
            part("csrf", "T") + "--\(b)\r\nContent-Type: text/csv\r\n\r\nv\r\n" + close,
            .noName(part: 2)
        ),
        (
            "a Content-Disposition without a name", "--\(b)\r\nContent-Disposition: form-data\r\n\r\nv\r\n" + close,
            .noName(part: 1)
        ),
        (
            "a boundary line inside a field value", part("csrf", "T") + part("list", "news\r\n--\(b)junk") + close,
            .badDelimiter(part: 3)
        ),
        (
            "an oversized field", part("csrf", "T") + part("list", String(repeating: "x", count: 8_193)) + close,
            .fieldTooLarge(name: "list")
        ),
        (
            "oversized headers",
            "--\(b)\r\nX-Filler: \(String(repeating: "y", count: 9_000))\r\n"
                + "Content-Disposition: form-data; name=\"list\"\r\n\r\nnews\r\n" + close,
            .headersTooLarge(part: 1)
        ),
        ("17 parts", (0..<17).map { part("f\($0)", "v") }.joined() + close, .tooManyParts),
        (
            "bare LF line breaks", (part("list", "news") + close).replacingOccurrences(of: "\r\n", with: "\n"),
            .badDelimiter(part: 1)
        ),
        ("an empty body", "", .noBoundary),
    ]

    @Test("a malformed body is refused with its reason in one line", arguments: malformed)
    func refused(_ title: String, _ body: String, _ expected: MultipartForm.Malformed) throws {
        let error = try #require(Self.error(body), "\(title) was accepted")
        #expect(error == expected, "\(title)")
        #expect(!error.description.isEmpty && !error.description.contains("\n"))
    }

    @Test("a body with another boundary is refused, and so is a content type without a usable one")
    func otherBoundary() {
        #expect(Self.error(Self.part("list", "news") + Self.close, boundary: "anderes") == .noBoundary)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"\"") == nil)
        #expect(
            MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71))
                == nil)
        #expect(MultipartForm.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartForm.boundary(contentType: nil) == nil)
    }
}
