import Foundation
import RundbriefStore

/// Where an export goes: standard output or a new file readable by its owner only (it holds
/// personal data, whatever the umask), written in large chunks.
public final class ExportFile {
    private let handle: FileHandle
    private var buffer = Data()
    private let ownsHandle: Bool

    /// - Parameter path: the file to write, or `nil` for standard output.
    /// - Throws: `OperationError.cannotWrite` naming the file.
    public init(path: String?) throws(OperationError) {
        guard let path else {
            handle = .standardOutput
            ownsHandle = false
            return
        }
        guard let handle = try? PrivateFile.openForWriting(path) else {
            throw OperationError(.cannotWrite, "cannot write \(path)")
        }
        self.handle = handle
        ownsHandle = true
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: Array(text.utf8))
        if buffer.count >= 256 * 1024 { flush() }
    }

    public func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        if ownsHandle { try? handle.close() }
    }
}
