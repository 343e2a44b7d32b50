import Foundation
import RundbriefTestSupport
import Testing

extension Process {
    /// SIGTERM, then SIGKILL if the child is still running after five seconds: a test must not hang
    /// because a helper missed its signal.
    func stopGracefully() {
        guard isRunning else { return }
        terminate()
        for _ in 0..<500 where isRunning {
            usleep(10_000)
        }
        if isRunning {
            kill(processIdentifier, SIGKILL)
        }
        waitUntilExit()
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

enum TemporaryDirectory {
    static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rundbrief-\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A throwaway self-signed certificate for `localhost` and `127.0.0.1`, made with openssl.
struct SelfSignedCertificate {
    let certificate: URL
    let key: URL

    init() throws {
        let directory = try TemporaryDirectory.make(prefix: "tls")
        certificate = directory.appendingPathComponent("cert.pem")
        key = directory.appendingPathComponent("key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key.path, "-out", certificate.path,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw TestServerError(reason: "openssl req exited with \(openssl.terminationStatus)")
        }
    }
}

/// A local TCP port nobody listens on: bound, then released.
func closedPort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
        }
    }
    guard bound else { throw TestServerError(reason: "cannot bind a probe socket") }
    return Int(UInt16(bigEndian: address.sin_port))
}

@Suite struct TransportSupportTests {
    @Test func testServerReportsItsPortAndStartsWithNoConnections() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        #expect(server.port > 0)
        let stats = try server.stats()
        #expect(stats.connections == 0)
        #expect(stats.messages == 0)
    }
}
