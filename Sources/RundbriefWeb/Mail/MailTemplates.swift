import Foundation
import Mustache

/// The transactional mail templates in `templates/mail/<language>/`: `confirm.mustache` and
/// `welcome.mustache`. A template's first line is `Subject: …`; the text after the blank line
/// that follows is the plain-text body.
struct MailTemplates: Sendable {
    enum Kind: String, CaseIterable {
        case confirm, welcome
    }

    private let library: MustacheLibrary

    /// - Throws: `WebError` naming a missing template or one without a subject line.
    init(directory: String) async throws {
        do {
            library = try await MustacheLibrary(directory: directory)
        } catch let error as MustacheLibrary.ParserError {
            throw WebError(
                .templates, "\(directory)/\(error.filename):\(error.context.lineNumber): \(error.error)")
        }
        for language in Language.allCases {
            for kind in Kind.allCases {
                let name = "\(language.rawValue)/\(kind.rawValue)"
                guard let template = library.getTemplate(named: name) else {
                    throw WebError(.templates, "missing template \(directory)/\(name).mustache")
                }
                guard template.description.hasPrefix("Subject: ") else {
                    throw WebError(.templates, "\(directory)/\(name).mustache must start with 'Subject: '")
                }
            }
        }
    }

    /// The subject and body of `kind` in `language`. Mail text is not HTML: values are inserted raw
    /// (the templates use `{{{ }}}`), and the subject is one line whatever the values hold.
    func render(_ kind: Kind, language: Language, values: [String: String]) -> (
        subject: String, body: String
    ) {
        let text = library.render(values, withTemplate: "\(language.rawValue)/\(kind.rawValue)") ?? ""
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let subject = lines.first.map { String($0.dropFirst("Subject: ".count)) } ?? ""
        var body = lines.count > 1 ? String(lines[1]) : ""
        while body.hasPrefix("\n") { body.removeFirst() }
        return (subject.trimmingCharacters(in: .whitespaces), body)
    }
}
