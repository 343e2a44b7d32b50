extension Configuration.DKIMSection {
    /// One signer per configured key (the single-key form first); empty when no key is configured.
    /// - Parameter files: where the key files are read from (RundbriefApp's `signers()` hands in the real files).
    /// - Throws: `DKIMError` naming the key file when it cannot be read or used.
    public func signers(files: ConfigurationFiles) throws -> [DKIMSigner] {
        try signingKeys.map { entry in
            let key = try DKIMPrivateKey(pemFile: entry.keyFile, files: files)
            return try DKIMSigner(domain: domain, selector: entry.selector, key: key)
        }
    }
}
