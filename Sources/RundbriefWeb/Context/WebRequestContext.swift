public import Hummingbird
public import NIOCore

/// The request context of the subscriber web: Hummingbird's core storage plus the peer's address,
/// which the sign-up rate limit and the consent record need.
public struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (the reverse proxy, when there is one); `nil` in in-process router tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
