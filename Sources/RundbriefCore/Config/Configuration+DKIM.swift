extension Configuration.DKIMSection {
    /// One signer per configured key (the single-key form first); empty when no key is configured.
    /// - Throws: `DKIMError` naming the key file when it cannot be read or used.
    public func signers() throws -> [DKIMSigner] {
        try signingKeys.map { entry in
            let key = try DKIMPrivateKey(contentsOfPEMFile: entry.keyFile)
            return try DKIMSigner(domain: domain, selector: entry.selector, key: key)
        }
    }
}
