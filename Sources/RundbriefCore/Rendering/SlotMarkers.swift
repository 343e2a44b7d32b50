/// Stands in for per-recipient values while a template renders, then cuts them back out.
///
/// Each slot a template asks for is rendered as a private-use marker around its number
/// (`U+E000 7 U+E001`): HTML escaping leaves those characters and digits alone. Every
/// value the editor or operator supplies is neutralised first, so a marker in user data
/// can never become a slot.
final class SlotMarkers {
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"

    private(set) var slots: [Slot] = []
    private var indices: [Slot: Int] = [:]

    /// The marker that stands for `slot` in rendered output.
    func marker(for slot: Slot) -> String {
        let index: Int
        if let known = indices[slot] {
            index = known
        } else {
            index = slots.count
            slots.append(slot)
            indices[slot] = index
        }
        return "\(Character(Self.open))\(index)\(Character(Self.close))"
    }

    /// Replaces the marker characters in user-supplied text with U+FFFD.
    static func neutralise(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == open || $0 == close }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar == open || scalar == close ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    /// Splits rendered output into literal text and the slots its markers stand for.
    func split(_ rendered: String) -> PersonalizedText {
        var parts: [PersonalizedText.Part] = []
        var literal = String.UnicodeScalarView()
        let scalars = Array(rendered.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == Self.open, let (slot, end) = slot(in: scalars, at: index) {
                if !literal.isEmpty { parts.append(.literal(String(literal))) }
                literal = String.UnicodeScalarView()
                parts.append(.slot(slot))
                index = end + 1
            } else {
                literal.append(scalars[index])
                index += 1
            }
        }
        if !literal.isEmpty { parts.append(.literal(String(literal))) }
        return PersonalizedText(parts: parts)
    }

    /// The slot whose marker starts at `start`, and the index of its closing character.
    private func slot(in scalars: [Unicode.Scalar], at start: Int) -> (Slot, Int)? {
        var number = 0
        var index = start + 1
        while index < scalars.count, index - start <= 6, ("0"..."9").contains(scalars[index]) {
            let digit = Int(scalars[index].value - Unicode.Scalar("0").value)
            number = number * 10 + digit
            index += 1
        }
        guard index > start + 1, index < scalars.count, scalars[index] == Self.close,
            number < slots.count
        else {
            return nil
        }
        return (slots[number], index)
    }
}
