import ArgumentParser
import Foundation
import RundbriefCore

#if canImport(Glibc)
    import Glibc
#endif

struct DkimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim", abstract: "Manage the keys that sign messages with DKIM.",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a new DKIM key file (mode 0600) and print the DNS TXT record to publish.",
            discussion: """
                Sign with an RSA and an Ed25519 key together (two [[dkim.key]] tables): verifiers without
                Ed25519 support (RFC 8463) check the RSA signature. To rotate, publish the new selector's
                record, add its key, and remove the old key once mail signed with it is delivered.
                """)

        enum KeyAlgorithm: String, ExpressibleByArgument, CaseIterable {
            case rsa, ed25519
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: "The selector: the record is published at SELECTOR._domainkey.DOMAIN.") var selector: String
        @Option(help: "rsa (2048 bits, rsa-sha256) or ed25519 (ed25519-sha256).") var algorithm: KeyAlgorithm
        @Option(help: "The key file to write (default: SELECTOR.pem); an existing file is never overwritten.")
        var out: String?
        @Option(help: "The signing domain (default: dkim.domain, else the sender address's domain).")
        var domain: String?

        func run() throws {
            try reporting {
                let domain = try signingDomain()
                let key = try DKIMPrivateKey.generate(algorithm == .rsa ? .rsaSHA256 : .ed25519SHA256)
                // Checks the selector and domain before anything is written.
                do {
                    _ = try DKIMSigner(domain: domain, selector: selector, key: key)
                } catch let error as DKIMError {
                    throw CommandFailure(
                        "invalid --\(error.source == "selector" ? "selector" : "domain"): \(error.reason)", exitCode: 64
                    )
                }
                let path = out ?? "\(selector).pem"
                try Self.writeNew(path, Array(key.pemRepresentation.utf8))
                Output.note("wrote \(path) (mode 0600); add it to the configuration:")
                Output.note("  [[dkim.key]]\n  selector = \"\(selector)\"\n  key_file = \"\(path)\"")
                Output.note("and publish this DNS TXT record before the key signs:")
                Output.line(DKIMPublication.zoneFileLine(selector: selector, domain: domain, record: key.dnsRecord))
            }
        }

        private func signingDomain() throws -> String {
            if let domain, !domain.isEmpty { return domain.lowercased() }
            let config = try global.loadConfiguration()
            if !config.dkim.domain.isEmpty { return config.dkim.domain }
            return String(config.sender.address.split(separator: "@").last ?? "")
        }

        /// Creates `path` with mode 0600; refuses to replace an existing file (it may be a key in use).
        private static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let reason =
                    errno == EEXIST ? "the file exists (choose another --out)" : String(cString: strerror(errno))
                throw CommandFailure("cannot write \(path): \(reason)", exitCode: 73)  // EX_CANTCREAT
            }
            defer { close(descriptor) }
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count, fsync(descriptor) == 0 else {
                throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))", exitCode: 74)
            }
        }
    }
}
