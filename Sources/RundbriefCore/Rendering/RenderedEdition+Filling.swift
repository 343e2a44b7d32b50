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

    /// The subject for one recipient: a value's line breaks and control characters become spaces,
    /// so no name can end the header or start another.
    public func subject(_ value: (Slot) -> String) -> String {
        subjectText.filled { HeaderText.singleLine(value($0)) }
    }
}

/// Per-recipient text on its way into a header.
public enum HeaderText {
    /// `text` on one line: each run of control characters, line and paragraph separators becomes one space.
    public static func singleLine(_ text: String) -> String {
        // Printable ASCII (most names and values) holds nothing to replace: no Unicode lookups per character.
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) { return text }
        guard text.unicodeScalars.contains(where: isBreaking) else { return text }
        var result = String.UnicodeScalarView()
        var previousBroke = false
        for scalar in text.unicodeScalars {
            let breaks = isBreaking(scalar)
            if !breaks {
                result.append(scalar)
            } else if !previousBroke {
                result.append(" ")
            }
            previousBroke = breaks
        }
        return String(result)
    }

    private static func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
