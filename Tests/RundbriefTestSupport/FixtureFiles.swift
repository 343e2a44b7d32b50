import Foundation
public import RundbriefCore

// Core reads no files (the application layer does); these read fixtures for the tests.

extension TemplateLibrary {
    /// Every `*.mustache` file directly in `testDirectory`, compiled.
    public init(testDirectory directory: String) throws {
        var sources: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".mustache") {
            let path = directory + "/" + file
            sources[path] = try String(contentsOfFile: path, encoding: .utf8)
        }
        try self.init(directory: directory, sources: sources)
    }
}

extension EditionSource {
    /// The edition file at `testPath`, parsed from its bytes.
    public init(testPath path: String) throws {
        try self.init(data: try Data(contentsOf: URL(fileURLWithPath: path)), fileName: path)
    }
}
