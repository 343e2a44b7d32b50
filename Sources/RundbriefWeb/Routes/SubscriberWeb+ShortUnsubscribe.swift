import Hummingbird

extension SubscriberWeb {
    /// `GET|POST /u/<token>`: the short unsubscribe URL of List-Unsubscribe (it must fit a 78-octet
    /// header line), answered exactly as `/unsubscribe?token=<token>`.
    func shortUnsubscribe(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        var head = request.head
        // A base64url token needs no escaping; anything else is refused by the token check anyway.
        head.path = "/unsubscribe?token=" + (token.utf8.allSatisfy(Self.isTokenByte) ? token : "")
        let rewritten = Request(head: head, body: request.body)
        return request.method == .post
            ? try await unsubscribe(rewritten, context) : try await unsubscribePage(rewritten, context)
    }

    /// Any other method on `/u/<token>`: 405 with the methods it takes, as for `/unsubscribe`.
    func shortUnsubscribeMethodNotAllowed(_ request: Request) -> Response {
        var response = errorPage(.methodNotAllowed, language: language(of: request))
        response.headers[.allow] = "GET, POST"
        return response
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
