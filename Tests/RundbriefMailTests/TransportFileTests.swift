import Foundation
import RundbriefMail
import Testing

@Suite struct TransportFileTests {
  @Test func writesNumberedMessagesWithEnvelopesAndContinuesNumbering() async throws {
    let directory = try TemporaryDirectory.make(prefix: "file-transport")
    let message = CurlSMTPTransportTests.message()

    let first = await FileTransport(directory: directory).send(message)
    let second = await FileTransport(directory: directory).send(message)

    #expect(first.classification == .delivered)
    #expect(second.reply?.text == "written as 2.eml")
    #expect(
      [UInt8](try Data(contentsOf: directory.appendingPathComponent("2.eml"))) == message.data)
    let json = try Data(contentsOf: directory.appendingPathComponent("1.json"))
    let envelope = try JSONSerialization.jsonObject(with: json) as? [String: Any]
    #expect(envelope?["rcpt_tos"] as? [String] == ["reader@example.org"])
  }

  @Test func unwritableDirectoryIsConnectionFailed() async throws {
    let directory = try TemporaryDirectory.make(prefix: "file-transport")
    let transport = try FileTransport(directory: directory)
    try FileManager.default.removeItem(at: directory)

    let outcome = await transport.send(CurlSMTPTransportTests.message())

    #expect(outcome.classification == .connectionFailed)
  }
}
