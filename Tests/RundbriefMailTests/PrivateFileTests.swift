import Foundation
import RundbriefCore
import RundbriefMail
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Captured messages hold personal data: owner-only whatever the umask.
/// (The umask is process-wide: this suite loosens it only while it writes, and restores it.)
@Suite(.serialized) struct PrivateFileTests {
    static func mode(_ url: URL) -> Int? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Int(info.st_mode & 0o777)
    }

    @Test(arguments: [0o022, 0o002] as [mode_t])
    func fileTransportIsOwnerOnly(mask: mode_t) async throws {
        let directory = try TemporaryDirectory.make(prefix: "private-files")
        let previous = umask(mask)
        defer { umask(previous) }
        let outcome = await (try FileTransport(directory: directory)).send(CurlSMTPTransportTests.message())
        #expect(outcome.classification == .delivered)
        #expect(Self.mode(directory.appendingPathComponent("1.eml")) == 0o600)
        #expect(Self.mode(directory.appendingPathComponent("1.json")) == 0o600)

    }
}
