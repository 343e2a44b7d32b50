// Hand-written on purpose. vapor/multipart-kit 4.7.1 (in the mirror) was tried in a scratch package on
// 2026-12-02 against the bodies our tests send and did not fit, although it adds no new package (its swift-nio
// and swift-collections are built here already):
// - a truncated body is no error: its parser has no end-of-input check, so a body cut off before the closing
//   boundary yields the finished parts and drops the unfinished one silently; "--boundary-" closes the body;
// - every malformed input is one private `MultipartParser.Error.syntax`, with no reason to name or show;
// - it enforces no limit (parts, header or field size), and its callbacks cannot throw or stop it;
// - a part without headers or without `Content-Disposition` is accepted as an unnamed part;
// - its `name`/`filename` reading splits quoted values at ";" and "=" ("liste=neu.csv" becomes "neu.csv");
// - an empty boundary is a precondition failure: it would end the daemon.
// Closing those gaps around it would take as much code as this parser.
import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578), already in memory: the console's CSV upload.
/// Only what a browser sends: each part with a `Content-Disposition: form-data; name="…"` header and,
/// for a file, a `filename`.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var body: [UInt8]
    }

    /// Why a body is not well-formed multipart, in one line.
    enum Malformed: Error, Equatable, CustomStringConvertible {
        case noBoundary
        case truncated
        case badDelimiter(part: Int)
        case noName(part: Int)
        case headersTooLarge(part: Int)
        case fieldTooLarge(name: String)
        case tooManyParts

        var description: String {
            switch self {
            case .noBoundary: "the body does not contain the boundary of its content type"
            case .truncated: "the body ends before its closing boundary"
            case .badDelimiter(let part):
                "the boundary before part \(part) is followed by neither a line break nor \"--\""
            case .noName(let part): "part \(part) has no Content-Disposition with a name"
            case .headersTooLarge(let part):
                "the headers of part \(part) are longer than \(MultipartForm.maxHeaderBytes) bytes"
            case .fieldTooLarge(let name): "the field \"\(name)\" is longer than \(MultipartForm.maxFieldBytes) bytes"
            case .tooManyParts: "the body has more than \(MultipartForm.maxParts) parts"
            }
        }
    }

    /// At most this many parts (the upload form has four).
    static let maxParts = 16
    /// At most this many bytes in a part that is not a file (a field such as `csrf` or `list`).
    static let maxFieldBytes = 8_192
    /// At most this many bytes of headers in one part.
    static let maxHeaderBytes = 8_192

    private(set) var parts: [Part] = []

    /// The text of the first part named `name`.
    subscript(name: String) -> String? {
        parts.first { $0.name == name }.map { String(decoding: $0.body, as: UTF8.self) }
    }

    /// The first part named `name`.
    func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary of a `multipart/form-data` content type, if it is one.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = piece.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return (1...70).contains(value.utf8.count) ? String(value) : nil
        }
        return nil
    }

    init(parsing body: [UInt8], boundary: String) throws(Malformed) {
        let delimiter = Array("--\(boundary)".utf8)
        let lineBreak: [UInt8] = [0x0D, 0x0A]
        // Anything before the first delimiter is a preamble (RFC 2046); every later one starts a line.
        guard let first = Self.find(delimiter, in: body, from: 0) else { throw .noBoundary }
        var position = first + delimiter.count
        while true {
            // After a delimiter: "--" ends the body; otherwise CRLF and a part.
            guard body.count >= position + 2 else { throw .truncated }
            if body[position] == 0x2D, body[position + 1] == 0x2D { return }
            let number = parts.count + 1
            guard body[position] == 0x0D, body[position + 1] == 0x0A else { throw .badDelimiter(part: number) }
            guard parts.count < Self.maxParts else { throw .tooManyParts }
            // The headers end with an empty line, searched from the delimiter's own CRLF: a part without
            // headers has only that empty line.
            let window = min(body.count, position + 2 + Self.maxHeaderBytes + 4)
            guard let headerEnd = Self.find(lineBreak + lineBreak, in: body, from: position, before: window) else {
                throw window == body.count ? .truncated : .headersTooLarge(part: number)
            }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            guard let (name, filename) = Self.disposition(headers) else { throw .noName(part: number) }
            let start = headerEnd + 4
            guard let next = Self.find(lineBreak + delimiter, in: body, from: start) else { throw .truncated }
            if filename == nil, next - start > Self.maxFieldBytes { throw .fieldTooLarge(name: name) }
            parts.append(Part(name: name, filename: filename, body: Array(body[start..<next])))
            position = next + 2 + delimiter.count
        }
    }

    /// The `name` and `filename` of a part's `Content-Disposition`.
    private static func disposition(_ headers: String) -> (String, String?)? {
        for line in headers.components(separatedBy: "\r\n") {
            guard line.lowercased().hasPrefix("content-disposition:") else { continue }
            let parameters = Self.parameters(line.dropFirst("content-disposition:".count))
            let name = parameters.first { $0.key == "name" }?.value
            let filename = parameters.first { $0.key == "filename" }?.value
            return name.map { ($0, filename) }
        }
        return nil
    }

    /// The `key=value` parameters of a header value (its first item is the disposition type). A quoted value
    /// may hold ";" and "="; a backslash stays a backslash (browsers send `"` as %22, never `\"`).
    private static func parameters(_ value: Substring) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var key = ""
        var text = ""
        var inValue = false
        var quoted = false
        var wasQuoted = false
        func end() {
            if inValue {
                let value = wasQuoted ? text : text.trimmingCharacters(in: .whitespaces)
                result.append((key.trimmingCharacters(in: .whitespaces).lowercased(), value))
            }
            key = ""
            text = ""
            inValue = false
            wasQuoted = false
        }
        for character in value {
            if quoted {
                if character == "\"" { quoted = false } else { text.append(character) }
            } else if character == ";" {
                end()
            } else if character == "=", !inValue {
                inValue = true
            } else if character == "\"", inValue, !wasQuoted, text.allSatisfy(\.isWhitespace) {
                quoted = true
                wasQuoted = true
                text = ""
            } else if inValue {
                if !wasQuoted { text.append(character) }
            } else {
                key.append(character)
            }
        }
        end()
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let end = end ?? haystack.count
        guard !needle.isEmpty, end >= needle.count, start <= end - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = end - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
