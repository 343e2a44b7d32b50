import Foundation
import RundbriefApp
import RundbriefCore
import Testing

/// RundbriefCore reads no file: the application layer opens them and hands bytes in. These tests run the
/// real file system through those doors.
struct LocalFilesTests {
    private static func temporaryFile(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("local-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func aCSVFileReadsAsTheSameBytesInMemory() throws {
        // Records longer than one 64 KiB chunk, and a CRLF whose CR ends a chunk.
        let long = String(repeating: "x", count: 64 * 1024 - 1)
        let text =
            "email;name\r\n\(long)\r\nanna@example.org;\"Anna\r\nMüller\"\r\n"
            + String(repeating: "a;b\n", count: 40_000)
        let url = try Self.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(at: url) }
        let fromFile = try CSVReader(path: url.path)
        let inMemory = CSVReader(bytes: Array(text.utf8))
        var rows = 0
        while let expected = try inMemory.next() {
            #expect(try fromFile.next() == expected)
            rows += 1
        }
        #expect(try fromFile.next() == nil)
        #expect(rows == 40_003)
    }

    @Test func aMissingCSVFileIsAnErrorAtLineZero() {
        let error = #expect(throws: CSVError.self) { try CSVReader(path: "/nonexistent/rundbrief/file.csv") }
        #expect(error?.line == 0)
        #expect(error?.reason.contains("cannot open file") == true)
    }

    @Test func aDKIMKeyFileIsReadFromDisk() throws {
        let pem = try DKIMPrivateKey.generate(.ed25519SHA256).pemRepresentation
        let url = try Self.temporaryFile(Array(pem.utf8))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try DKIMPrivateKey(contentsOfPEMFile: url.path).algorithm == .ed25519SHA256)
        let error = #expect(throws: DKIMError.self) { try DKIMPrivateKey(contentsOfPEMFile: url.path + ".missing") }
        #expect(error?.code == .unreadableKey)
        #expect(error?.description.contains(url.path + ".missing") == true)
    }

    @Test func theConfigurationAndItsTokenKeyFileAreReadFromDisk() throws {
        let keys = try Self.temporaryFile(
            Array("# rotated 2026\nk2:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM0NQ==\n".utf8))
        defer { try? FileManager.default.removeItem(at: keys) }
        let config = try Self.temporaryFile(Array("[tokens]\nkey_file = \"\(keys.path)\"\n".utf8))
        defer { try? FileManager.default.removeItem(at: config) }
        let loaded = try ConfigurationLoader(environment: [:], files: .local).load(explicitPath: config.path)
        #expect(try loaded.tokens.tokenKeys().map(\.id) == ["k2"])
        let missing = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: [:], files: .local).load(explicitPath: config.path + ".missing")
        }
        #expect(missing?.message.contains("no configuration file here") == true)
    }
}
