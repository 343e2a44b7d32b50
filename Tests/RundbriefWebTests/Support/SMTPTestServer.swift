import Foundation

/// `Tests/Support/smtp_server.py` (aiosmtpd) as a child process writing each message to a folder.
/// Unchecked: all properties are constants and the process is only touched in `init` and `stop`.
final class SMTPTestServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rundbrief-web-smtp-\(UUID().uuidString)")
        let script = URL(fileURLWithPath: WebHarness.repositoryRoot + "/Tests/Support/smtp_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--port", "0", "--out", directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "smtp_server.py said \(text)"])
        }
        self.port = port
    }

    /// Waits (bounded) for message `number` and returns its bytes.
    func message(_ number: Int) async throws -> Data? {
        let file = directory.appendingPathComponent("\(number).eml")
        for _ in 0..<500 {
            if let data = FileManager.default.contents(atPath: file.path) { return data }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs a command and returns its standard output (the tests' real HTTP client is curl).
func run(_ arguments: [String], input: Data? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    if let input {
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        pipe.fileHandleForWriting.write(input)
        try pipe.fileHandleForWriting.close()
    } else {
        try process.run()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Reads a mail with Python's `email` package (an independent MIME parser) and returns
/// its subject (decoded) and its text body.
func parseMail(_ data: Data) throws -> (subject: String, body: String) {
    let script = """
        import email, email.policy, sys, json
        m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        print(json.dumps({"subject": str(m["subject"]), "body": m.get_body(("plain",)).get_content()}))
        """
    let json = try run(["python3", "-c", script], input: data)
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String] ?? [:]
    return (object["subject"] ?? "", object["body"] ?? "")
}

/// `curl` against the live server: status code and body.
func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
    let output = try run(["curl", "-s", "-w", "\n%{http_code}"] + arguments)
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
}
