import Foundation
import RundbriefCore

extension ConfigurationFiles {
    /// The test machine's files (fixtures): RundbriefCore reads none itself, so tests hand them in as
    /// RundbriefApp's `.local` does in the product.
    static let disk = ConfigurationFiles(
        contents: { FileManager.default.contents(atPath: $0) },
        exists: { FileManager.default.fileExists(atPath: $0) },
        isReadable: { FileManager.default.isReadableFile(atPath: $0) })
}
