/// A node of the small HTML tree that Ink's output is read back into.
///
/// Ink only returns an HTML string (its syntax tree is internal), so the renderer reads
/// that string into this tree once and writes both the email HTML and the plain text
/// from it: the two parts always agree on structure.
indirect enum MarkupNode: Sendable, Equatable {
    /// Decoded text (entities already resolved).
    case text(String)
    /// An element with its lowercase name, attributes (decoded values) and children.
    case element(name: String, attributes: [String: String], children: [MarkupNode])

    /// The concatenated text of this node and its descendants.
    var textContent: String {
        switch self {
        case .text(let text): return text
        case .element(_, _, let children): return children.map(\.textContent).joined()
        }
    }
}
