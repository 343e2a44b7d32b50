/// Stands in for per-recipient values while a template renders, then cuts them back out.
///
/// Each slot a template asks for is rendered as a private-use marker around its number
/// (`U+E000 7 U+E001`): HTML escaping leaves those characters and digits alone. A section of an
/// edition (`{{#name}}…{{/name}}`) opens with `U+E002 n U+E001` and closes with `U+E003 n U+E001`.
/// Every value the editor or operator supplies is neutralised first, so a marker in user data
/// can never become a slot.
final class SlotMarkers {
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"
    static let sectionOpen: Unicode.Scalar = "\u{E002}"
    static let sectionClose: Unicode.Scalar = "\u{E003}"

    /// A section of an edition: shown when `slot` has a value (or, `inverted`, when it has none).
    struct Section {
        var slot: Slot
        var inverted: Bool
        /// The 1-based line of its opening tag in the edition file, for errors.
        var line: Int
    }

    private(set) var slots: [Slot] = []
    private(set) var sections: [Section] = []
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

    /// The markers that open and close a new section.
    func markers(for section: Section) -> (open: String, close: String) {
        let index = sections.count
        sections.append(section)
        return (
            "\(Character(Self.sectionOpen))\(index)\(Character(Self.close))",
            "\(Character(Self.sectionClose))\(index)\(Character(Self.close))"
        )
    }

    /// Replaces the marker characters in user-supplied text with U+FFFD.
    static func neutralise(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isMarkerCharacter) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isMarkerCharacter(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    private static func isMarkerCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (open.value...sectionClose.value).contains(scalar.value)
    }

    /// Whether `text` holds section markers and nothing else but white space: a line of its own
    /// in the edition (`{{#attributes.kommune}}`), which belongs to no paragraph.
    static func isSectionMarkersOnly(_ text: String) -> Bool {
        var sawMarker = false
        var inMarker = false
        for scalar in text.unicodeScalars {
            if inMarker {
                if scalar == close {
                    inMarker = false
                } else if !("0"..."9").contains(scalar) {
                    return false
                }
            } else if scalar == sectionOpen || scalar == sectionClose {
                inMarker = true
                sawMarker = true
            } else if !(scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r") {
                return false
            }
        }
        return sawMarker && !inMarker
    }

    /// Splits rendered output into literal text, the slots and the sections its markers stand for.
    func split(_ rendered: String) -> PersonalizedText {
        // The innermost open section last; the outermost level is the text itself.
        var stack: [(section: Int?, parts: [PersonalizedText.Part])] = [(nil, [])]
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty { stack[stack.count - 1].parts.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        let scalars = Array(rendered.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == Self.open || scalar == Self.sectionOpen || scalar == Self.sectionClose,
                let (number, end) = number(in: scalars, at: index)
            {
                if scalar == Self.open, number < slots.count {
                    flush()
                    stack[stack.count - 1].parts.append(.slot(slots[number]))
                    index = end + 1
                    continue
                }
                if scalar == Self.sectionOpen, number < sections.count {
                    flush()
                    stack.append((number, []))
                    index = end + 1
                    continue
                }
                if scalar == Self.sectionClose, stack.count > 1, stack[stack.count - 1].section == number {
                    flush()
                    let (_, parts) = stack.removeLast()
                    let section = sections[number]
                    stack[stack.count - 1].parts.append(
                        .section(section.slot, inverted: section.inverted, parts: parts))
                    index = end + 1
                    continue
                }
            }
            literal.append(scalar)
            index += 1
        }
        flush()
        // A section left open (a template that cut it off) ends with the text.
        while stack.count > 1 {
            let (number, parts) = stack.removeLast()
            let section = sections[number!]
            stack[stack.count - 1].parts.append(.section(section.slot, inverted: section.inverted, parts: parts))
        }
        return PersonalizedText(parts: stack[0].parts)
    }

    /// The number of the marker that starts at `start`, and the index of its closing character.
    private func number(in scalars: [Unicode.Scalar], at start: Int) -> (Int, Int)? {
        var number = 0
        var index = start + 1
        while index < scalars.count, index - start <= 6, ("0"..."9").contains(scalars[index]) {
            let digit = Int(scalars[index].value - Unicode.Scalar("0").value)
            number = number * 10 + digit
            index += 1
        }
        guard index > start + 1, index < scalars.count, scalars[index] == Self.close else { return nil }
        return (number, index)
    }
}
