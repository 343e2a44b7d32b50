import Foundation
import RundbriefDaemon
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's heartbeat names sends and addresses in progress: owner-only whatever the umask.
/// (The umask is process-wide: this suite loosens it only while it writes, and restores it.)
@Suite(.serialized) struct HeartbeatFileTests {
    @Test(arguments: [0o022, 0o002] as [mode_t])
    func heartbeatIsOwnerOnly(mask: mode_t) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("heartbeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let previous = umask(mask)
        defer { umask(previous) }

        let heartbeat = directory.appendingPathComponent("db.sqlite.daemon.json")
        _ = FileManager.default.createFile(
            atPath: heartbeat.path, contents: nil, attributes: [.posixPermissions: 0o644])
        let file = DaemonStateFile(databasePath: directory.appendingPathComponent("db.sqlite").path)
        try file.write(
            .init(
                pid: 1, version: "test", startedAt: Date(), updatedAt: Date(), listen: "127.0.0.1:0", activity: "idle",
                intervalSeconds: 5))
        var info = stat()
        #expect(stat(heartbeat.path, &info) == 0)
        #expect(Int(info.st_mode & 0o777) == 0o600)
        #expect(file.read() != nil)
    }
}
