import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import Yams

extension AdminAPI {
    /// The methods HTTP defines that a path may lack (HEAD goes with GET, as Hummingbird answers it), and
    /// QUERY (the safe method with a body that HTTP is adding).
    static let checkedMethods: [HTTPRequest.Method] = [
        .get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!,
    ]

    /// Each path of the document (`{id}` written `:id`, as the router wants it) with its declared methods.
    static func declaredMethods() -> [(path: String, methods: Set<String>)] {
        guard let document = try? Yams.load(yaml: String(decoding: Self.document, as: UTF8.self)) as? [String: Any],
            let paths = document["paths"] as? [String: Any]
        else { return [] }
        return paths.sorted { $0.key < $1.key }.map { path, item in
            let methods = Set(((item as? [String: Any]) ?? [:]).keys.map { $0.uppercased() })
            let routed = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            return (prefix + routed, methods)
        }
    }

    /// Answers a method the document does not declare for a path 405 with `Allow`, as a problem,
    /// instead of the router's bare 404: the path exists, the method does not.
    func registerMethodNotAllowed<Context: RequestContext>(on router: Router<Context>) {
        for (path, methods) in Self.declaredMethods() {
            let allow = Self.checkedMethods.filter { methods.contains($0.rawValue) }.map(\.rawValue)
                .joined(separator: ", ")
            for method in Self.checkedMethods where !methods.contains(method.rawValue) {
                router.on(RouterPath(path), method: method) { _, _ in
                    let (head, body) = Problem.response(
                        status: .methodNotAllowed, detail: "\(method.rawValue) is not allowed here (allowed: \(allow))")
                    var fields = head.headerFields
                    fields[.allow] = allow
                    var bytes: [UInt8] = []
                    if let body { for try await chunk in body { bytes += chunk } }
                    return Response(
                        status: head.status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
                }
            }
        }
    }
}
