import Foundation
public import RundbriefCore

/// An edition file as `edition add` reads it from disk.
public struct EditionFile: Sendable {
    /// The parsed edition.
    public var source: EditionSource
    /// The whole file as written (what sends render from).
    public var text: String
    /// The absolute path it was read from.
    public var path: String

    /// Reads and parses the edition file at `path`.
    /// - Throws: `EditionError` naming the file (and line where known).
    public init(path: String) throws(EditionError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EditionError(
                .unreadable, file: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        source = try EditionSource(data: data, fileName: path)
        text = String(decoding: data, as: UTF8.self)
        self.path = URL(fileURLWithPath: path).path
    }
}
