import Foundation
import Testing

/// The unit file passes systemd's own checks, offline.
@Suite("systemd unit")
struct SystemdTests {
    static let unitPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("systemd/rundbrief.service").path

    /// The unit with ExecStart pointing at a stub, since `verify` checks that the binary exists.
    static func stagedUnit() throws -> (directory: URL, unit: String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rundbrief-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stub = directory.appendingPathComponent("rundbrief").path
        try "#!/bin/sh\nexit 0\n".write(toFile: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/rundbrief", with: stub)
        let unit = directory.appendingPathComponent("rundbrief.service").path
        try text.write(toFile: unit, atomically: true, encoding: .utf8)
        return (directory, unit)
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("systemd-analyze verify reports nothing")
    func verify() throws {
        let (directory, unit) = try Self.stagedUnit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(["verify", unit])
        #expect(result.status == 0)
        #expect(result.output.isEmpty, "verify complained: \(result.output)")
    }

    @Test("systemd-analyze security rates the exposure at most 1.1")
    func exposure() throws {
        let (directory, unit) = try Self.stagedUnit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try Self.run(["security", "--offline=yes", "--no-pager", unit])
        let match = result.output.firstMatch(of: /Overall exposure level for [^:]+: (\d+\.\d+)/)
        let score = match.flatMap { Double($0.1) }
        #expect(score != nil, "no score in: \(result.output.suffix(300))")
        #expect((score ?? 10) <= 1.1)
    }

    @Test("the unit is Type=notify with a watchdog, its own state and credentials")
    func essentials() throws {
        let lines = Set(
            try String(contentsOfFile: Self.unitPath, encoding: .utf8).split(separator: "\n").map(
                String.init))
        for required in [
            "Type=notify", "WatchdogSec=30s", "DynamicUser=yes", "StateDirectory=rundbrief",
            "ConfigurationDirectory=rundbrief", "WorkingDirectory=/var/lib/rundbrief",
            "LoadCredential=rundbrief:/etc/rundbrief/credentials",
            "ExecReload=/bin/kill -HUP $MAINPID", "ProtectSystem=strict", "NoNewPrivileges=yes",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
            "CapabilityBoundingSet=",
        ] {
            #expect(lines.contains(required), "missing \(required)")
        }
    }
}
