import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// schemathesis (PyPI) against the admin API as the daemon serves it: requests generated from the
/// served OpenAPI document, valid and invalid, with an admin key. It finds no server error and no
/// response that breaks the document (status codes, content types, headers, schemas), invalid input
/// is refused and valid input accepted, and undeclared methods are answered 405.
struct AdminAPISchemaTests {
    @Test("schemathesis finds no server error and no answer that breaks the served document")
    func schemathesis() async throws {
        let fixture = try OpsFixture()
        defer { fixture.remove() }
        try fixture.addSubscribers(["anna@example.de", "ben@example.de"], status: "active")
        let key = try AdminServeTests.key(fixture, "schemathesis", role: "admin")
        let daemon = try DaemonProcess(fixture: fixture)
        let port = try #require(await daemon.adminPort())
        // One worker: with two threads, hypothesis describing its filters (`ast.parse`) on both at once hit a
        // CPython 3.11 race ("SystemError: AST constructor recursion depth mismatch") and schemathesis ended
        // with a runtime error of its own after all 2,441 cases had passed.
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "schemathesis", "run", "http://127.0.0.1:\(port)/api/v1/openapi.yaml",
                "-H", "Authorization: Bearer \(key)", "--checks", "all", "--max-examples", "40", "--workers", "1",
                "--seed", "20261201", "--no-color",
            ])
        #expect(result.status == 0, "schemathesis:\n\(result.stdout.suffix(6_000))\n\(result.stderr.suffix(2_000))")
        #expect(result.stdout.contains("passed"))
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit() == 0)
    }
}
