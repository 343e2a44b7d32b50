/// Finds the VERP delivery id a bounce refers to.
///
/// Candidates, in order: the bounce's own envelope headers (To, Delivered-To,
/// X-Original-To, Envelope-To, X-Envelope-To, Return-Path), then in every embedded
/// or inline-returned original the `X-Rundbrief-Delivery` header (which carries the
/// same signed VERP return address) and Return-Path. Each candidate goes through
/// the resolver closure; the first it accepts wins, so a forged one cannot.
struct DeliveryIDLocator {
    static let headerName = "X-Rundbrief-Delivery"
    private static let envelopeHeaders = [
        "To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "Return-Path",
    ]
    private static let returnedHeaders = [headerName, "Return-Path", "X-Original-Return-Path"]
    private static let maxCandidates = 32

    var resolve: @Sendable (String) -> Int64?

    func deliveryID(root: MessagePart, raw: [UInt8], maxBytes: Int) -> String? {
        var candidates: [String] = []
        var seen: Set<String> = []
        func add(_ value: String) {
            let values = EmailAddressScanner.addresses(in: value)
            for candidate in values.isEmpty ? [value.trimmingBlanks()] : values
            where !candidate.isEmpty && candidates.count < Self.maxCandidates
                && seen.insert(candidate).inserted
            {
                candidates.append(candidate)
            }
        }
        for name in Self.envelopeHeaders { root.headers.all(name).forEach(add) }
        for part in root.allParts().dropFirst() {
            for name in Self.returnedHeaders { part.headers.all(name).forEach(add) }
        }
        inlineHeaderValues(raw.prefix(maxBytes)).forEach(add)
        for candidate in candidates {
            if let id = resolve(candidate) { return String(id) }
        }
        return nil
    }

    /// `X-Rundbrief-Delivery:` and `Return-Path:` lines anywhere in the raw message, for
    /// NDRs that paste the original into their text instead of attaching it.
    private func inlineHeaderValues(_ raw: ArraySlice<UInt8>) -> [String] {
        let prefixes = [Array("x-rundbrief-delivery:".utf8), Array("return-path:".utf8)]
        var values: [String] = []
        for line in ByteText.lines(raw) where values.count < Self.maxCandidates {
            let trimmed = ByteText.trimmed(line)
            for prefix in prefixes where ByteText.hasPrefix(prefix, trimmed) {
                values.append(ByteText.string(trimmed.dropFirst(prefix.count)))
            }
        }
        return values
    }
}
