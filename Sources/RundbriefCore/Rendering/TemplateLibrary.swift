import Foundation
import Mustache

/// Edition layout templates, compiled once from text (the application layer reads the files).
///
/// A template is registered under its file name without `.mustache`: `edition.html.mustache`
/// is `edition.html` and can also be used as a partial (`{{> edition.html}}`). Templates
/// ending in `.txt.mustache` render without HTML escaping.
public struct TemplateLibrary: Sendable {
    /// The directory the templates were loaded from.
    public let directory: String
    private let library: MustacheLibrary
    private let names: Set<String>

    /// Compiles templates given as text, keyed by file path (the name is the last component).
    /// - Throws: `TemplateError` naming the file, line and column of a syntax error.
    public init(directory: String, sources: [String: String]) throws(TemplateError) {
        var library = MustacheLibrary()
        var names: Set<String> = []
        for (path, text) in sources.sorted(by: { $0.key < $1.key }) {
            let name = Self.templateName(of: path)
            library.register(try Self.compile(text, path: path, name: name), named: name)
            names.insert(name)
        }
        self.directory = directory
        self.library = library
        self.names = names
    }

    /// The names of the loaded templates (`edition.html`, `edition.txt`, …).
    public var templateNames: Set<String> { names }

    /// Renders `edition` through its template once, leaving per-recipient values as slots.
    /// - Throws: `TemplateError.Code.unknownTemplate` when `<template>.html` or `<template>.txt` is missing.
    public func render(_ edition: EditionSource, context: RenderContext) throws(TemplateError)
        -> RenderedEdition
    {
        let html = try template(named: edition.template + ".html", for: edition)
        let text = try template(named: edition.template + ".txt", for: edition)
        let markers = SlotMarkers()
        let values = try TemplateValues.make(edition: edition, context: context, markers: markers)
        return RenderedEdition(
            subject: edition.subject,
            subjectText: markers.split(TemplateValues.personal(edition.subject, markers)),
            preheader: edition.preheader,
            html: markers.split(html.render(values, library: library)),
            text: markers.split(text.render(values, library: library))
        )
    }

    private func template(named name: String, for edition: EditionSource) throws(TemplateError)
        -> MustacheTemplate
    {
        guard let template = library.getTemplate(named: name) else {
            let known = names.sorted().joined(separator: ", ")
            throw TemplateError(
                .unknownTemplate, file: edition.fileName,
                reason:
                    "template '\(edition.template)' needs \(name).mustache in \(directory) (loaded: \(known))"
            )
        }
        return template
    }

    /// The partials a template's text names (`{{> footer}}`), so a loader can read just those.
    public static func partialNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let start = rest.range(of: "{{") {
            rest = rest[start.upperBound...]
            guard let end = rest.range(of: "}}") else { break }
            let tag = rest[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix(">") || tag.hasPrefix("<") {
                let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { names.insert(name) }
            }
            rest = rest[end.upperBound...]
        }
        return names
    }

    private static func templateName(of path: String) -> String {
        let file = (path as NSString).lastPathComponent
        return file.hasSuffix(".mustache") ? String(file.dropLast(".mustache".count)) : file
    }

    /// The pragma that turns HTML escaping off; put in front of text templates on line 1.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT }}"

    private static func compile(_ text: String, path: String, name: String) throws(TemplateError)
        -> MustacheTemplate
    {
        let isText = name.hasSuffix(".txt")
        do {
            return try MustacheTemplate(string: isText ? textPragma + text : text)
        } catch let error as MustacheTemplate.ParserError {
            let shift = isText && error.context.lineNumber == 1 ? textPragma.count : 0
            throw TemplateError(
                .syntax, file: path, line: error.context.lineNumber,
                column: error.context.columnNumber - shift,
                reason:
                    "Mustache syntax error: \(describe(error.error)) in “\(error.context.line.trimmingCharacters(in: .whitespaces))”"
            )
        } catch {
            throw TemplateError(.syntax, file: path, reason: "Mustache syntax error: \(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return String(describing: error) }
        switch error {
        case .sectionCloseNameIncorrect:
            return "a section is closed with a different name than it was opened"
        case .unfinishedName: return "a tag is not closed (missing }})"
        case .expectedSectionEnd: return "a section is never closed ({{/name}} missing)"
        case .invalidSetDelimiter: return "invalid set-delimiter tag"
        case .transformAppliedToInheritanceSection:
            return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection: return "illegal tag inside an inherited section"
        case .textInsideInheritSection: return "text inside an inherited section"
        case .invalidConfigVariableSyntax: return "invalid {{% … }} pragma"
        case .unrecognisedConfigVariable: return "unknown {{% … }} pragma"
        }
    }
}
