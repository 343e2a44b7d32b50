public import Foundation

/// The files a configuration names (the configuration file itself, secrets in a credentials directory,
/// token key files, DKIM keys, a CA file), as the caller sees them. Core reads no file: the loader and
/// the checks ask this value, which RundbriefApp builds over the real file system (`.local`) and tests
/// build from a dictionary.
public struct ConfigurationFiles: Sendable {
    /// The bytes of the file at a path, or nil when it does not exist or cannot be read.
    public var contents: @Sendable (String) -> Data?
    /// Whether a file exists at a path (to tell "missing" from "not readable" in messages).
    public var exists: @Sendable (String) -> Bool
    /// Whether the file at a path can be read.
    public var isReadable: @Sendable (String) -> Bool

    public init(
        contents: @escaping @Sendable (String) -> Data?,
        exists: @escaping @Sendable (String) -> Bool,
        isReadable: @escaping @Sendable (String) -> Bool
    ) {
        self.contents = contents
        self.exists = exists
        self.isReadable = isReadable
    }

    /// No files at all: a configuration from text alone.
    public static let none = ConfigurationFiles.inMemory([:])

    /// The files of a dictionary from path to contents, every one readable.
    public static func inMemory(_ files: [String: Data]) -> ConfigurationFiles {
        ConfigurationFiles(
            contents: { files[$0] }, exists: { files[$0] != nil }, isReadable: { files[$0] != nil })
    }
}
