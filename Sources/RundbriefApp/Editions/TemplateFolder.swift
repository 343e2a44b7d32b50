import Foundation
public import RundbriefCore

/// The edition layouts of the templates folder, read from disk: only what an edition uses.
///
/// An edition's template `T` needs `T.html.mustache` and `T.txt.mustache` and the partials they
/// name (`{{> footer}}`), read and compiled when a send starts, a test is sent or an edition is
/// added; nothing else in the folder (a draft, a broken file) can stop it.
public struct TemplateFolder: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The compiled templates `template` needs.
    /// - Throws: `TemplateError` naming a missing or unreadable file, or the file, line and column of
    ///   a syntax error.
    public func library(for template: String) throws(TemplateError) -> TemplateLibrary {
        var sources: [String: String] = [:]
        var wanted = [template + ".html", template + ".txt"]
        while let name = wanted.popLast() {
            // Templates live directly in the folder: a partial cannot name a file elsewhere.
            guard !name.contains("/"), !name.hasPrefix(".") else {
                throw TemplateError(
                    .unknownTemplate, file: directory, reason: "'\(name)' is not a template name of this folder")
            }
            let path = (directory as NSString).appendingPathComponent(name + ".mustache")
            guard sources[path] == nil else { continue }
            guard FileManager.default.fileExists(atPath: path) else {
                // The edition names it: TemplateLibrary.render says which file is missing.
                if name.hasPrefix(template + ".") { continue }
                throw TemplateError(.unknownTemplate, file: path, reason: "the partial '\(name)' does not exist")
            }
            let text = try read(path)
            sources[path] = text
            wanted += TemplateLibrary.partialNames(in: text).sorted()
        }
        return try TemplateLibrary(directory: directory, sources: sources)
    }

    private func read(_ path: String) throws(TemplateError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TemplateError(.unreadable, file: path, reason: "cannot read the template")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw TemplateError(.unreadable, file: path, reason: "the template is not valid UTF-8")
        }
        return text
    }
}
