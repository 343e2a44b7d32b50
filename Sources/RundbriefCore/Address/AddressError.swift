/// Why a string is not an address Rundbrief can deliver to.
///
/// The reason is short and human ("missing @", "domain has no dot") and never repeats the
/// address itself, so it can go into logs and import reports without leaking personal data.
public struct AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short explanation in plain words.
    public var reason: String
    /// The same in German, for the console's German pages (an import's line-by-line results).
    public var german: String

    public init(reason: String, german: String) {
        self.reason = reason
        self.german = german
    }

    public var description: String { "invalid email address: \(reason)" }
}
