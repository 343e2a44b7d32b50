extension Configuration.DKIMSection {
    /// The signer for `[dkim]`, or nil when no key is configured.
    /// - Throws: `DKIMError` naming the key file when it cannot be read or used.
    public func signer() throws -> DKIMSigner? {
        guard isEnabled else { return nil }
        let key = try DKIMPrivateKey(contentsOfPEMFile: keyFile)
        return try DKIMSigner(domain: domain, selector: selector, key: key)
    }
}
