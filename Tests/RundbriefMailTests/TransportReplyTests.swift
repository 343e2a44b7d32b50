import RundbriefMail
import Testing

@Suite struct TransportReplyTests {
  @Test func parsesEnhancedStatusAndText() throws {
    let reply = try #require(SMTPReply(lines: ["550 5.1.1 <x@example.org>: User unknown"]))
    #expect(reply.code == 550)
    #expect(reply.enhancedStatus == "5.1.1")
    #expect(reply.text == "<x@example.org>: User unknown")
    #expect(reply.description == "550 5.1.1 <x@example.org>: User unknown")
  }

  @Test func joinsMultilineRepliesAndIgnoresStatusOfAnotherClass() throws {
    let reply = try #require(
      SMTPReply(lines: ["451-4.7.1 Greylisted", "451 see https://example.org/grey"]))
    #expect(reply.code == 451)
    #expect(reply.enhancedStatus == "4.7.1")
    #expect(reply.text == "Greylisted\nsee https://example.org/grey")
    let mismatched = try #require(SMTPReply(lines: ["250 5.1.1 odd"]))
    #expect(mismatched.enhancedStatus == nil)
    #expect(SMTPReply(lines: ["hello"]) == nil)
    #expect(SMTPReply(lines: ["220"])?.text == "")
  }
}
