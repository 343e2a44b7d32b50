public import RundbriefCore
public import RundbriefMail
import RundbriefStore

extension EditionMailer {
    /// The factory `SendService` calls once when a send starts or resumes: it renders the send's
    /// edition snapshot (not the edition as edited since) through the templates it uses, read from
    /// the templates folder then; no other file in the folder is read.
    public static func factory(
        configuration: Configuration, tokens: TokenSigner, dkim: [DKIMSigner]
    ) -> SendMessageBuilderFactory {
        let folder = TemplateFolder(directory: configuration.templates.directory)
        return { send, list in
            guard let snapshot = send.decodedSnapshot, let sendID = send.id else {
                throw DeliveryError(.cannotRender, "send \(send.id ?? 0) has no edition snapshot")
            }
            do {
                let edition = try EditionSource(text: snapshot.source, fileName: snapshot.slug)
                let templates = try folder.library(for: edition.template)
                return try EditionMailer(
                    configuration: configuration, edition: edition, list: list, templates: templates, tokens: tokens,
                    dkim: dkim, sendID: sendID, issued: send.startedAt ?? send.createdAt)
            } catch {
                throw DeliveryError(.cannotRender, "cannot render edition '\(snapshot.slug)': \(error)")
            }
        }
    }
}
