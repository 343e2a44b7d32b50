import Foundation
import RundbriefCore
import RundbriefMail
import RundbriefStore

extension Operations {
    /// Renders `edition` once for a sample subscriber of `list`, exactly as a send would build its
    /// messages, so a broken template or edition fails now (with file and line) and not at send time.
    ///
    /// The one place the send operations call the renderer: when rendering changes (personalisation,
    /// loading only the templates an edition uses), this function follows it.
    /// - Throws: ``OperationError`` `.invalid` naming the edition and the problem.
    func renderSample(edition slug: String, list listSlug: String) throws(OperationError) {
        // The edition and the templates it uses, with file and line for a mistake in either.
        try renderEditionOnce(slug, list: listSlug)
        let (edition, list) = try storing { (try database.edition(slug), try database.list(slug: listSlug)) }
        do {
            // Then one whole message as the send builds it: tokens, DKIM, headers.
            let source = try EditionSource(text: edition.source, fileName: edition.sourcePath ?? edition.slug)
            let mailer = try EditionMailer(
                configuration: configuration, edition: source, list: list,
                templates: try TemplateFolder(directory: configuration.templates.directory).library(
                    for: source.template),
                tokens: try configuration.tokens.signer(), dkim: try configuration.dkim.signers(), sendID: 0,
                issued: now)
            _ = try mailer.message(
                subscriberID: 0, email: "erika.mustermann@\(configuration.sender.bounceDomain)",
                name: "Erika Mustermann", attributes: [:], deliveryID: nil, date: now)
        } catch {
            throw OperationError(.invalid, "edition \(slug) cannot be sent: \(error)")
        }
    }
}
