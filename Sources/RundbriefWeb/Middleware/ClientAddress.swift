import Foundation
import RundbriefCore

/// The client's address behind trusted proxies: the TCP peer, or, when the peer is a trusted proxy, the
/// nearest X-Forwarded-For entry that is not itself a trusted proxy. From any other peer the header is
/// ignored. One rule for both listeners: the public one's sign-up limits and the admin one's sign-in throttle.
enum ClientAddress {
    static func resolve(peer: String, forwarded: String, proxies: [IPNetwork]) -> String {
        guard proxies.contains(where: { $0.contains(peer) }) else { return peer }
        for entry in forwarded.split(separator: ",").reversed() {
            let address = String(entry).trimmingCharacters(in: .whitespaces)
            guard IPNetwork.address(address) != nil else { return peer }
            if !proxies.contains(where: { $0.contains(address) }) { return address }
        }
        return peer
    }
}
