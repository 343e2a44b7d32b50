/// Folding of header values (RFC 5322 §2.2.3).
enum HeaderFolding {
    /// Lines are kept to 78 characters where the atoms allow it.
    static let preferredLineLength = 78
    /// The hard limit, excluding CRLF.
    static let maximumLineLength = 998

    /// Joins atoms with single spaces, breaking the line before an atom that
    /// would pass 78 characters. The first atom stays on the name's line.
    /// - Throws: ``MIMEError`` `.headerLineTooLong` if an atom alone passes 998.
    static func fold(atoms: [String], name: String) throws -> String {
        // Built as bytes: one buffer instead of a new String per joined atom (every message folds `To`).
        var value: [UInt8] = []
        value.reserveCapacity(atoms.reduce(0) { $0 + $1.utf8.count + 3 })
        var lineLength = name.utf8.count + 2
        for (index, atom) in atoms.enumerated() {
            let length = atom.utf8.count
            if index == 0 {
                lineLength += length
            } else if lineLength + 1 + length > preferredLineLength {
                value.append(contentsOf: [ASCII.cr, ASCII.lf, ASCII.space])
                lineLength = 1 + length
            } else {
                value.append(ASCII.space)
                lineLength += 1 + length
            }
            value.append(contentsOf: atom.utf8)
            if lineLength > maximumLineLength {
                throw MIMEError(
                    .headerLineTooLong, context: name, reason: "a word is too long to fold below 998 octets")
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    /// Splits a structured value at single spaces; extra spaces stay attached to
    /// the following atom so no folded line is whitespace only.
    static func atoms(_ value: String) -> [String] {
        var atoms: [String] = []
        var pendingSpaces = ""
        for piece in value.split(separator: " ", omittingEmptySubsequences: false) {
            if piece.isEmpty {
                pendingSpaces += " "
            } else {
                atoms.append(pendingSpaces + piece)
                pendingSpaces = ""
            }
        }
        if !pendingSpaces.isEmpty {
            if atoms.isEmpty {
                atoms.append(String(pendingSpaces.dropFirst()))
            } else {
                atoms[atoms.count - 1] += pendingSpaces.dropFirst()
            }
        }
        return atoms
    }
}
