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

/// Text rendered once per edition, with per-recipient slots left open.
public struct PersonalizedText: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case literal(String)
        case slot(Slot)
    }

    public var parts: [Part]

    public init(parts: [Part]) {
        self.parts = parts
    }

    /// The slots that appear in the text, in order of first appearance.
    public var slots: [Slot] {
        var seen = Set<Slot>()
        return parts.compactMap { part in
            guard case .slot(let slot) = part, seen.insert(slot).inserted else { return nil }
            return slot
        }
    }

    /// Fills every slot with `value(slot)`, returning the final text.
    public func filled(_ value: (Slot) -> String) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .literal(let text): result += text
            case .slot(let slot): result += value(slot)
            }
        }
        return result
    }
}
