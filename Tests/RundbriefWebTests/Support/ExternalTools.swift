import Foundation

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
