import Crypto
public import Foundation

/// Signs messages with DKIM (RFC 6376), relaxed/relaxed canonicalization.
public struct DKIMSigner: Sendable {
    /// The headers signed when present, in this order. `from` is listed once more
    /// than it occurs ("over-signed") so nobody can add a second From.
    public static let defaultSignedHeaders = [
        "from", "reply-to", "to", "subject", "date", "message-id", "mime-version", "content-type",
        "list-id", "list-unsubscribe", "list-unsubscribe-post", "feedback-id",
    ]

    /// The signing domain (`d=`).
    public let domain: String
    /// The selector (`s=`); the public key lives at `selector._domainkey.domain`.
    public let selector: String
    /// The private key.
    public let key: DKIMPrivateKey
    /// Lowercase names of the headers to sign when present.
    public let signedHeaders: [String]

    /// - Throws: ``DKIMError`` `.invalidIdentity` if domain or selector are not DNS names.
    public init(
        domain: String, selector: String, key: DKIMPrivateKey,
        signedHeaders: [String] = defaultSignedHeaders
    )
        throws
    {
        for (label, text) in [("domain", domain), ("selector", selector)] where !Self.isDNSName(text) {
            throw DKIMError(.invalidIdentity, source: label, reason: "\(label) must be a DNS name")
        }
        self.domain = domain
        self.selector = selector
        self.key = key
        self.signedHeaders = signedHeaders.map { $0.lowercased() }
    }

    /// The `DKIM-Signature` field for a message with these headers and body; the
    /// body is canonicalized here. Write the field above the other headers.
    public func signature(headers: [HeaderField], body: [UInt8], timestamp: Date? = nil) throws
        -> HeaderField
    {
        var hasher = SHA256()
        hasher.update(data: DKIMCanonicalization.relaxedBody(body))
        return try signature(headers: headers, bodyHash: hasher.finalize(), timestamp: timestamp)
    }

    /// The `DKIM-Signature` field given the SHA-256 of the already canonical body.
    func signature(headers: [HeaderField], bodyHash: SHA256Digest, timestamp: Date?) throws
        -> HeaderField
    {
        // Each field name lowercased once per message, not once per signed name.
        let lowercasedNames = headers.map { $0.name.lowercased() }
        let names = signedNames(present: lowercasedNames)
        var tags = [
            "v=1;", "a=\(key.algorithm.rawValue);", "c=relaxed/relaxed;", "d=\(domain);",
            "s=\(selector);",
        ]
        if let timestamp { tags.append("t=\(Int64(timestamp.timeIntervalSince1970));") }
        tags +=
            Self.chunkedList(names) + Self.chunked("bh=" + Data(bodyHash).base64EncodedString() + ";")
        var hasher = SHA256()
        hasher.update(
            data: canonicalHeaderData(names: names, headers: headers, lowercasedNames: lowercasedNames))
        let unsigned = DKIMCanonicalization.relaxedHeader(
            name: "DKIM-Signature", value: (tags + ["b="]).joined(separator: " "))
        hasher.update(data: unsigned)
        let signature: [UInt8]
        do {
            signature = try key.sign(hasher.finalize())
        } catch {
            throw DKIMError(
                .signingFailed, source: "\(selector)._domainkey.\(domain)",
                reason: "the key refused to sign")
        }
        let atoms = tags + Self.chunked("b=" + Data(signature).base64EncodedString())
        return HeaderField(
            verifiedName: "DKIM-Signature",
            value: try HeaderFolding.fold(atoms: atoms, name: "DKIM-Signature"))
    }

    /// The `h=` names: each configured name once per occurrence, `from` once more.
    private func signedNames(present lowercasedNames: [String]) -> [String] {
        var names: [String] = []
        for name in signedHeaders {
            let count = lowercasedNames.count { $0 == name }
            names += Array(repeating: name, count: name == "from" ? count + 1 : count)
        }
        return names
    }

    /// Canonical headers in `h=` order, each occurrence taken from the bottom up (RFC 6376 §5.4.2).
    private func canonicalHeaderData(names: [String], headers: [HeaderField], lowercasedNames: [String])
        -> [UInt8]
    {
        var used: [String: Int] = [:]
        var data: [UInt8] = []
        for name in names {
            let matches = headers.indices.filter { lowercasedNames[$0] == name }
            let taken = used[name, default: 0]
            used[name] = taken + 1
            guard taken < matches.count else { continue }
            let field = headers[matches[matches.count - 1 - taken]]
            data += DKIMCanonicalization.relaxedHeader(name: field.name, value: field.value)
            data += ASCII.crlf
        }
        return data
    }

    /// `h=a:b:c;` split into atoms that fold; FWS is allowed around the colons.
    private static func chunkedList(_ names: [String]) -> [String] {
        var atoms: [String] = []
        var current = "h="
        for (index, name) in names.enumerated() {
            let item = name + (index == names.count - 1 ? ";" : ":")
            if current.utf8.count + item.utf8.count > 70 {
                atoms.append(current)
                current = ""
            }
            current += item
        }
        atoms.append(current)
        return atoms
    }

    /// Base64 tag values may contain FWS anywhere: split them so lines stay short.
    private static func chunked(_ text: String) -> [String] {
        var atoms: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            atoms.append(String(rest.prefix(72)))
            rest = rest.dropFirst(72)
        }
        return atoms
    }

    private static func isDNSName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 253
            && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                !label.isEmpty && label.count <= 63
                    && label.utf8.allSatisfy { byte in
                        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
                            || (0x61...0x7A).contains(byte)
                            || byte == 0x2D || byte == 0x5F
                    }
            }
    }
}
