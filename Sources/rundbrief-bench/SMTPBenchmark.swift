import ArgumentParser
import Foundation
import RundbriefMail
import Synchronization

/// Measures `CurlSMTPTransport` against Postfix's `smtp-source`, both sending into the same sink.
///
/// Start a sink first, e.g. `smtp-sink 127.0.0.1:2525 1000 &`, then
/// `rundbrief-bench smtp-throughput --url smtp://127.0.0.1:2525 --messages 20000 --concurrency 16 --size 20000`.
struct SMTPBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "smtp-throughput",
    abstract:
      "Messages per second of the libcurl SMTP transport, compared with Postfix's smtp-source."
  )

  @Option(help: "The sink's URL (smtp://host:port).")
  var url: String = "smtp://127.0.0.1:2525"

  @Option(help: "Messages to send in each run.")
  var messages: Int = 10_000

  @Option(help: "Parallel SMTP connections.")
  var concurrency: Int = 16

  @Option(help: "Message body size in bytes.")
  var size: Int = 20_000

  @Option(help: "Path of Postfix's smtp-source; empty to skip the comparison.")
  var smtpSource: String = "/usr/sbin/smtp-source"

  func run() async throws {
    let transportRate = try await measureTransport()
    print(
      String(
        format: "rundbrief transport: %.0f msg/s (%d messages, %d connections, %d bytes)",
        transportRate, messages, concurrency, size))
    guard !smtpSource.isEmpty else { return }
    let sourceRate = try measureSMTPSource()
    print(String(format: "postfix smtp-source: %.0f msg/s", sourceRate))
    print(String(format: "ratio rundbrief/smtp-source: %.2f", transportRate / sourceRate))
  }

  private func measureTransport() async throws -> Double {
    let transport = try CurlSMTPTransport(
      configuration: .init(
        url: url, startTLS: .off, concurrency: concurrency, localHostname: "bench.rundbrief")
    )
    let message = OutgoingMessage(
      envelopeFrom: "bench@example.org", recipient: "sink@example.org",
      data: Self.message(bodySize: size))
    // Warm-up: open every connection before the clock starts, as smtp-source's figure includes its
    // connects too but they are amortised over far more messages than one each.
    _ = await send(message, count: concurrency * 2, through: transport)
    let start = ContinuousClock.now
    let failures = await send(message, count: messages, through: transport)
    let elapsed = ContinuousClock.now - start
    await transport.shutdown()
    if failures > 0 { print("warning: \(failures) messages not delivered") }
    return Double(messages) / elapsed.seconds
  }

  /// Keeps twice as many messages in flight as there are connections so no worker waits for work.
  private func send(_ message: OutgoingMessage, count: Int, through transport: CurlSMTPTransport)
    async -> Int
  {
    let next = MessageCounter()
    return await withTaskGroup(of: Int.self) { group in
      for _ in 0..<(concurrency * 2) {
        group.addTask {
          var failures = 0
          while next.take() < count {
            if await !transport.send(message).isDelivered { failures += 1 }
          }
          return failures
        }
      }
      return await group.reduce(0, +)
    }
  }

  private func measureSMTPSource() throws -> Double {
    guard let endpoint = URL(string: url), let host = endpoint.host, let port = endpoint.port else {
      throw ValidationError("cannot read host and port from \(url)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: smtpSource)
    // -d keeps each session's connection open across messages, as the transport does.
    process.arguments = [
      "-d", "-s", "\(concurrency)", "-m", "\(messages)", "-l", "\(size)", "\(host):\(port)",
    ]
    let start = ContinuousClock.now
    try process.run()
    process.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    guard process.terminationStatus == 0 else {
      throw ValidationError("smtp-source exited with status \(process.terminationStatus)")
    }
    return Double(messages) / elapsed.seconds
  }

  /// A plain-text message: short headers, then `bodySize` bytes in CRLF lines of 76 characters.
  static func message(bodySize: Int) -> [UInt8] {
    var bytes = Array(
      "From: bench@example.org\r\nTo: sink@example.org\r\nSubject: benchmark\r\n\r\n".utf8)
    let line = Array(String(repeating: "x", count: 76).utf8) + [13, 10]
    while bytes.count < bodySize {
      bytes += line
    }
    return bytes
  }
}

/// Hands out message numbers to the sending tasks.
private final class MessageCounter: Sendable {
  private let next = Atomic(0)

  func take() -> Int {
    next.add(1, ordering: .relaxed).oldValue
  }
}

extension Duration {
  fileprivate var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
