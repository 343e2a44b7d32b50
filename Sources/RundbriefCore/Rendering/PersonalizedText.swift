/// A piece of per-recipient data that is filled in when one message is built.
///
/// An edition is rendered once; the parts that differ between recipients stay
/// as slots, so building a message only splices values into prepared text.
public enum Slot: Sendable, Hashable {
    /// The subscriber's display name (may be empty).
    case name
    /// The subscriber's normalised email address.
    case email
    /// The https unsubscribe URL with the subscriber's signed token.
    case unsubscribeURL
    /// One of the subscriber's free-form attributes (CSV extra columns).
    case attribute(String)
}

/// Text rendered once per edition, with per-recipient slots and sections left open.
public struct PersonalizedText: Sendable, Equatable {
    public indirect enum Part: Sendable, Equatable {
        case literal(String)
        case slot(Slot)
        /// Text shown when the slot has a value (`{{#name}}…{{/name}}`), or, `inverted`, when it
        /// has none (`{{^name}}…{{/name}}`).
        case section(Slot, inverted: Bool, parts: [Part])
    }

    public var parts: [Part]

    public init(parts: [Part]) {
        self.parts = parts
    }

    /// The slots that appear in the text (also those that only decide a section), in order of first appearance.
    public var slots: [Slot] {
        var seen = Set<Slot>()
        var result: [Slot] = []
        func collect(_ parts: [Part]) {
            for part in parts {
                switch part {
                case .literal: continue
                case .slot(let slot):
                    if seen.insert(slot).inserted { result.append(slot) }
                case .section(let slot, _, let inner):
                    if seen.insert(slot).inserted { result.append(slot) }
                    collect(inner)
                }
            }
        }
        collect(parts)
        return result
    }

    /// Fills every slot with `value(slot)` and keeps the sections that apply, returning the final text.
    public func filled(_ value: (Slot) -> String) -> String {
        var result = ""
        Self.fill(parts, value, into: &result)
        return result
    }

    private static func fill(_ parts: [Part], _ value: (Slot) -> String, into result: inout String) {
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .slot(let slot): result += value(slot)
            case .section(let slot, let inverted, let inner):
                if isShown(value(slot), inverted: inverted) { fill(inner, value, into: &result) }
            }
        }
    }

    /// Whether a section on a slot with `value` is shown: a value of only white space counts as none.
    public static func isShown(_ value: String, inverted: Bool) -> Bool {
        let present = value.unicodeScalars.contains { !$0.properties.isWhitespace }
        return present != inverted
    }
}
