import Foundation
import RundbriefStore

/// A real SQLite file in a fresh temporary directory, removed when the value is deinitialised.
final class TemporaryDatabase {
    let directory: URL
    let path: String
    let database: AppDatabase

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rundbrief-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("rundbrief.sqlite").path
        database = try AppDatabase(path: path)
    }

    /// Writes `text` to a file in the temporary directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
