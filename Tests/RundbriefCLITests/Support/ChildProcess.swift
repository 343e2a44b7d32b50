import Foundation

/// What a finished child process left: its exit status and everything it wrote.
struct ChildResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, with optional standard input, and collects both output streams.
///
/// Standard error is drained on its own thread: a child that fills one pipe while the test reads the
/// other would otherwise block both for good.
enum ChildProcess {
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> ChildResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        let stderr = StderrCollector(err.fileHandleForReading)
        if let stdin, let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ChildResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.wait(), as: UTF8.self))
    }

    /// `python3 -c SCRIPT ARGUMENTS…`, for the independent checkers (email, dkimpy, sqlite3).
    static func python(_ script: String, _ arguments: [String]) throws -> ChildResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class StderrCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        // `data` is written by the thread before `done` is signalled and read only after `wait()`.
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
