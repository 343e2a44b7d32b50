extension RenderedEdition {
    /// The HTML body for one recipient: every slot value is HTML-escaped.
    ///
    /// Always fill the HTML part through this (not `html.filled`): a subscriber's name such
    /// as `<script>` must arrive as text, and an unsubscribe URL's `&` must be `&amp;` in an
    /// attribute. Slot values never pass through Mustache, so `{{` in them stays literal.
    /// - Parameter value: The raw (unescaped) value of each slot for this recipient.
    public func htmlBody(_ value: (Slot) -> String) -> String {
        html.filled { HTMLEntities.escape(value($0)) }
    }

    /// The text body for one recipient: slot values are inserted as they are.
    /// - Parameter value: The value of each slot for this recipient.
    public func textBody(_ value: (Slot) -> String) -> String {
        text.filled(value)
    }
}
