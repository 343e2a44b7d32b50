#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`); a bare address is a
/// network of one (`/32`, `/128`).
///
/// Used for `http.trusted_proxies` and to group IPv6 clients by their /64 for rate limits.
/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports) count as IPv4.
public struct IPNetwork: Sendable, Equatable {
    /// The network's address bytes (4 or 16), host bits cleared.
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingWhitespace.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.address(String(parts[0])) else { return nil }
        let maximum = address.count * 8
        var prefix = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maximum).contains(given) else { return nil }
            prefix = given
        }
        self.bytes = Self.masked(address, prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (as `IPNetwork.address(_:)` returns it) lies in this network.
    public func contains(_ address: [UInt8]) -> Bool {
        address.count == bytes.count && Self.masked(address, prefixLength) == bytes
    }

    /// Whether the textual address lies in this network; false when it is not an IP address.
    public func contains(_ address: String) -> Bool {
        Self.address(address).map(contains) ?? false
    }

    /// The address's bytes: 4 for IPv4 (also IPv4-mapped IPv6), 16 for IPv6; `nil` when `text` is
    /// not an address. Brackets (`[::1]`) and a zone (`fe80::1%eth0`) are allowed.
    public static func address(_ text: String) -> [UInt8]? {
        var text = text.trimmingWhitespace
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard !text.isEmpty, text.utf8.count < 64 else { return nil }
        if !text.contains(":") {
            var v4 = in_addr()
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return Array(bytes[12..<16])
        }
        return bytes
    }

    /// The key a rate limit counts a client under: an IPv4 address itself, an IPv6 address by
    /// its /64 (one household or server usually holds a whole /64, so rotating inside it gains
    /// nothing). Text that is not an address is its own key.
    public static func clientKey(_ text: String) -> String {
        guard let bytes = address(text) else { return text }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let hex = bytes.prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return stride(from: 0, to: 8, by: 2).map { hex[$0] + hex[$0 + 1] }.joined(separator: ":") + "::/64"
    }

    private static func masked(_ address: [UInt8], _ prefix: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let bits = min(8, max(0, prefix - index * 8))
            return bits == 8 ? byte : byte & ~(UInt8(0xFF) >> bits)
        }
    }
}
