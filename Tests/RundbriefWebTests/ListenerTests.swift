import Foundation
import Hummingbird
import HummingbirdTesting
import RundbriefCore
import Testing

@testable import RundbriefWeb

/// The public listener: HEAD, no /metrics, timeouts and the connection cap; and the metrics listener.
@Suite struct ListenerTests {
    @Test func headAnswersLikeGetWithoutABody() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            for path in ["/subscribe", "/subscribe?list=aktuell", "/healthz", "/confirm?token=kaputt"] {
                let get = try await client.execute(uri: path, method: .get) { $0 }
                try await client.execute(uri: path, method: .head) { response in
                    #expect(response.status == get.status, "\(path)")
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.contentLength] == "\(get.body.readableBytes)")
                    #expect(response.headers[.contentType] == get.headers[.contentType])
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
            }
            try await client.execute(uri: "/healthz", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
        }
    }

    @Test func thePublicListenerHasNoMetrics() async throws {
        let harness = try await WebHarness()
        try await harness.web.makeApplication().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!String(buffer: response.body).contains("rundbrief_"))
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func theMetricsListenerServesMetricsBehindItsBearerToken() async throws {
        let text = "# TYPE rundbrief_subscribers gauge\nrundbrief_subscribers{status=\"active\"} 42\n"
        let open = MetricsListener(bearerToken: "") { Array(text.utf8) }
        try await open.makeApplication(address: .hostname("127.0.0.1", port: 0)).test(.live) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == text)
                #expect(response.headers[.contentType] == MetricsListener.contentType)
            }
        }
        let guarded = MetricsListener(bearerToken: "s3cret-token") { Array(text.utf8) }
        try await guarded.makeApplication(address: .hostname("127.0.0.1", port: 0)).test(.live) { client in
            for header: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic s3cret-token"]] {
                try await client.execute(uri: "/metrics", method: .get, headers: header) { response in
                    #expect(response.status == .unauthorized)
                    #expect(!String(buffer: response.body).contains("rundbrief_"))
                }
            }
            try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer s3cret-token"]
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("rundbrief_subscribers"))
            }
        }
    }

    /// 1,100 idle sockets once kept every connection slot (and file) busy for as long as they were
    /// held: /healthz and the sign-up stopped answering.
    ///
    /// The header and idle timeouts here are a minute, longer than the test waits: every
    /// connection it sees closed was closed by the cap, however slowly a loaded machine accepts.
    @Test(.timeLimit(.minutes(1)))
    func connectionsPastTheCapAreClosedAtOnce() async throws {
        let harness = try await WebHarness {
            $0.http.headerTimeoutSeconds = 60
            $0.http.idleTimeoutSeconds = 60
            $0.http.maxConnections = 40
        }
        let app = try harness.web.makeApplication(address: .hostname("127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Under the cap, the server answers while idle sockets are held.
            var held = (0..<20).compactMap { _ in RawConnection(port: port) }
            #expect(held.count == 20)
            #expect(try await offPool { try curl(["http://127.0.0.1:\(port)/healthz"]) }.status == 200)
            // Past the cap, extra connections are closed without waiting for a timeout: 20 of the
            // 40 new ones (which 20 depends on the event loops' order; one or two more when the
            // server has not yet seen curl's connection close).
            let newOnes = (0..<40).compactMap { _ in RawConnection(port: port) }
            held += newOnes
            let closed = try await offPool {
                let deadline = ContinuousClock.now + .seconds(30)
                var closed = Set<Int>()
                var graceEnds: ContinuousClock.Instant?
                while ContinuousClock.now < (graceEnds ?? deadline) {
                    for (index, connection) in newOnes.enumerated() where !closed.contains(index) {
                        if connection.isClosed(within: 0.01) { closed.insert(index) }
                    }
                    // Once 20 are closed, a moment more for the one or two the count may add.
                    if closed.count >= 20, graceEnds == nil { graceEnds = ContinuousClock.now + .milliseconds(500) }
                }
                return closed.count
            }
            #expect((20...22).contains(closed))
            held.removeAll()
        }
    }

    /// A client trickling its header, or holding a socket without a word, is closed by the header
    /// timeout; a quiet kept-alive connection by the idle timeout.
    @Test(.timeLimit(.minutes(1)))
    func idleAndTricklingConnectionsAreClosed() async throws {
        let harness = try await WebHarness {
            $0.http.headerTimeoutSeconds = 2
            $0.http.idleTimeoutSeconds = 3
            $0.http.maxConnections = 40
        }
        let app = try harness.web.makeApplication(address: .hostname("127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let held = (0..<20).compactMap { _ in RawConnection(port: port) }
            #expect(held.count == 20)
            // A client trickling its header (a line every 0.4 s, so the idle timeout never fires)
            // never completes it: the header timeout closes it.
            let trickle = try #require(RawConnection(port: port))
            let closedWhileTrickling = try await offPool {
                trickle.send("GET /healthz HTTP/1.1\r\n")
                for _ in 0..<50 {
                    if trickle.isClosed(within: 0.4) { return true }
                    trickle.send("X-A: b\r\n")
                }
                return false
            }
            #expect(closedWhileTrickling)
            // After the header timeout every idle socket is gone, and the server answers again.
            #expect(try await offPool { held.allSatisfy { $0.isClosed(within: 15) } })
            #expect(try await offPool { try curl(["-m", "15", "http://127.0.0.1:\(port)/healthz"]) }.status == 200)
            // A kept-alive connection that goes quiet after its request is closed by the idle timeout.
            let keptAlive = try #require(RawConnection(port: port))
            keptAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await offPool { keptAlive.isClosed(within: 15) })
        }
    }
}
