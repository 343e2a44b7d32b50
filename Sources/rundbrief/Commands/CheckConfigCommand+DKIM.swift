import RundbriefApp
import RundbriefCore

extension ConfigurationChecks {
    /// Loads every DKIM key (readable, a supported PEM key, RSA of at least 1024 bits), warns under
    /// 2048 bits, and prints the TXT record each selector must publish.
    static func dkim(_ config: Configuration) throws -> [String] {
        var warnings: [String] = []
        for entry in config.dkim.signingKeys {
            let key: DKIMPrivateKey
            do {
                key = try DKIMPrivateKey(contentsOfPEMFile: entry.keyFile)
            } catch {
                throw CommandFailure("configuration error: DKIM key \"\(entry.selector)\": \(error)", exitCode: 78)
            }
            if let bits = key.rsaBits, bits < 2048 {
                warnings.append(
                    "DKIM key \"\(entry.selector)\" (\(entry.keyFile)) is RSA \(bits) bits; use 2048 (rundbrief dkim generate)"
                )
            }
            Output.line(
                "dkim: publish "
                    + DKIMPublication.zoneFileLine(
                        selector: entry.selector, domain: config.dkim.domain, record: key.dnsRecord))
        }
        return warnings
    }
}
