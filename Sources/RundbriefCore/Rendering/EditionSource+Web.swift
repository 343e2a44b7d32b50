extension EditionSource {
    /// The body as HTML for no recipient in particular (the archive's feed): every subscriber variable
    /// is empty, so `{{^name}}Sehr geehrte Damen und Herren{{/name}}` shows and `{{name}}` is left out.
    public var htmlForNobody: String {
        let markers = SlotMarkers()
        let markdown = SubscriberVariables.substitute(
            SlotMarkers.neutralise(self.markdown), markers: markers, line: bodyLine, blocks: true)
        return markers.split(MarkdownDocument(markdown: markdown).html).filled { _ in "" }
    }
}
