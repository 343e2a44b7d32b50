import Foundation
import RundbriefMail
import RundbriefTestSupport
import Testing

@Suite struct CurlSMTPTransportTests {
    static func message(
        to recipient: String = "reader@example.org", subject: String = "Grüße aus Köln"
    ) -> OutgoingMessage {
        let text =
            "From: Rundbrief <news@example.org>\r\nTo: <\(recipient)>\r\nSubject: \(subject)\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Liebe Leserin, 你好, ½ € — ça va?\r\n.\r\n..a line that starts with dots\r\n\r\nEnde.\r\n"
        return OutgoingMessage(
            envelopeFrom: "bounces+abc@example.org", recipient: recipient, data: Array(text.utf8))
    }

    static func plain(_ server: SMTPTestServer, concurrency: Int = 1) throws -> CurlSMTPTransport {
        try CurlSMTPTransport(
            configuration: .init(
                url: server.url, startTLS: .off, concurrency: concurrency, localHostname: "rundbrief.test")
        )
    }

    @Test func utf8MessageArrivesByteIdentical() async throws {
        let server = try SMTPTestServer()
        let transport = try Self.plain(server)
        let message = Self.message()

        let outcome = await transport.send(message)
        await transport.shutdown()

        #expect(outcome.classification == .delivered)
        #expect(outcome.stage == .endOfData)
        #expect(outcome.reply?.code == 250)
        #expect(outcome.reply?.enhancedStatus == "2.0.0")
        #expect(try server.message(1) == message.data)
        let envelope = try server.envelope(1)
        #expect(envelope["mail_from"] as? String == "bounces+abc@example.org")
        #expect(envelope["rcpt_tos"] as? [String] == ["reader@example.org"])
    }

    @Test func rejectedRecipientIsPermanentWithEnhancedStatus() async throws {
        let server = try SMTPTestServer(arguments: ["--reject", "gone@example.org"])
        let transport = try Self.plain(server)

        let outcome = await transport.send(Self.message(to: "gone@example.org"))
        await transport.shutdown()

        #expect(outcome.classification == .permanent)
        #expect(outcome.stage == .rcptTo)
        #expect(outcome.reply?.code == 550)
        #expect(outcome.reply?.enhancedStatus == "5.1.1")
        #expect(outcome.reply?.text.contains("Recipient address rejected: User unknown") == true)
        #expect(try server.stats().messages == 0)
    }

    @Test func temporaryFailureIsTransientAndTheNextAttemptSucceeds() async throws {
        let server = try SMTPTestServer(arguments: [
            "--tempfail-once", "grey@example.org", "--tempfail", "busy@example.org",
        ])
        let transport = try Self.plain(server)

        let first = await transport.send(Self.message(to: "grey@example.org"))
        let second = await transport.send(Self.message(to: "grey@example.org"))
        let always = await transport.send(Self.message(to: "busy@example.org"))
        await transport.shutdown()

        #expect(first.classification == .transient)
        #expect(first.reply?.code == 451)
        #expect(first.reply?.enhancedStatus == "4.7.1")
        #expect(second.classification == .delivered)
        #expect(always.classification == .transient)
        #expect(always.stage == .rcptTo)
        #expect(try server.stats().messages == 1)
    }

    @Test func serverDownIsConnectionFailed() async throws {
        let port = try closedPort()
        let transport = try CurlSMTPTransport(
            configuration: .init(
                url: "smtp://127.0.0.1:\(port)", startTLS: .off, connectTimeout: .seconds(2))
        )

        let outcome = await transport.send(Self.message())
        await transport.shutdown()

        #expect(outcome.classification == .connectionFailed)
        #expect(outcome.stage == .connect)
        #expect(outcome.reply == nil)
        #expect(outcome.detail != nil)
    }

    @Test func aRelayThatStopsAnsweringEndsTheTransactionAtItsTimeout() async throws {
        // Given a relay (with PIPELINING) that takes one message, then never answers the end of data
        let server = try SMTPTestServer(arguments: ["--pipelining", "--stall-after", "1"])
        let transport = try CurlSMTPTransport(
            configuration: .init(
                url: server.url, startTLS: .off, transactionTimeout: .seconds(1), concurrency: 1))
        #expect(await transport.send(Self.message()).isDelivered)

        // When the next message goes out
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await transport.send(Self.message(to: "second@example.org"))
        let waited = clock.now - started
        await transport.shutdown()

        // Then it ends after the timeout, as worth another try later (the relay may have it or not)
        #expect(outcome.classification == .transient, "\(outcome)")
        #expect(outcome.stage == .endOfData)
        #expect(outcome.detail?.contains("no reply from the relay") == true, "\(outcome)")
        #expect(waited >= .milliseconds(900) && waited < .seconds(10), "\(waited)")
    }

    @Test func connectionIsReusedAcrossMessages() async throws {
        let server = try SMTPTestServer()
        let transport = try Self.plain(server)

        for index in 0..<10 {
            let outcome = await transport.send(Self.message(to: "reader\(index)@example.org"))
            #expect(outcome.classification == .delivered)
        }
        await transport.shutdown()

        let stats = try server.stats()
        #expect(stats.messages == 10)
        #expect(stats.connections == 1)
    }

    @Test func droppedConnectionsAreReopened() async throws {
        let server = try SMTPTestServer(arguments: ["--drop-after", "3"])
        let transport = try Self.plain(server)

        var outcomes: [SMTPOutcome] = []
        for index in 0..<7 {
            outcomes.append(await transport.send(Self.message(to: "reader\(index)@example.org")))
        }
        await transport.shutdown()

        #expect(outcomes.allSatisfy { $0.isDelivered }, "\(outcomes)")
        let stats = try server.stats()
        #expect(stats.messages == 7)
        #expect(stats.connections == 3)
    }

    @Test func parallelConnectionsDeliverEverything() async throws {
        let server = try SMTPTestServer()
        let transport = try Self.plain(server, concurrency: 4)

        let outcomes = await withTaskGroup(of: SMTPOutcome.self) { group in
            for index in 0..<40 {
                group.addTask { await transport.send(Self.message(to: "reader\(index)@example.org")) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await transport.shutdown()

        #expect(outcomes.count == 40)
        #expect(outcomes.allSatisfy { $0.isDelivered })
        let connections = try Set((1...40).map { try server.envelope($0)["connection"] as? Int ?? 0 })
        #expect((2...4).contains(connections.count), "connections used: \(connections)")
        let recipients = try Set(
            (1...40).map { try server.envelope($0)["rcpt_tos"] as? [String] ?? [] })
        #expect(recipients.count == 40)
    }

    @Test func sixteenConnectionsOnTwoThreadsStayOpenBetweenBursts() async throws {
        // Given a transport with 16 connections (run by two threads) and a burst that opens them
        let server = try SMTPTestServer()
        let transport = try Self.plain(server, concurrency: 16)
        func burst(_ range: Range<Int>) async -> [SMTPOutcome] {
            await withTaskGroup(of: SMTPOutcome.self) { group in
                for index in range {
                    group.addTask { await transport.send(Self.message(to: "reader\(index)@example.org")) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        let first = await burst(0..<80)
        let opened = try server.stats().connections

        // When the send thins out to one message at a time, then bursts again
        for index in 80..<84 {
            let outcome = await transport.send(Self.message(to: "reader\(index)@example.org"))
            #expect(outcome.isDelivered)
        }
        let second = await burst(84..<160)
        await transport.shutdown()

        // Then every message went out once, over at most 16 connections, none reopened after the lull
        #expect((first + second).allSatisfy { $0.isDelivered })
        let stats = try server.stats()
        #expect(stats.messages == 160)
        #expect((2...16).contains(opened), "connections opened by the first burst: \(opened)")
        #expect(stats.connections == opened, "the lull closed connections: \(opened) then \(stats.connections)")
        let recipients = try Set((1...160).map { try server.envelope($0)["rcpt_tos"] as? [String] ?? [] })
        #expect(recipients.count == 160)
    }

    @Test func connectionsOpenSideBySide() async throws {
        // Given a relay that greets each connection a second after accepting it, and 16 connections
        // on two threads
        let server = try SMTPTestServer(arguments: ["--greeting-delay", "1", "--pipelining"])
        let transport = try Self.plain(server, concurrency: 16)

        // When 16 messages go out at once
        let outcomes = await withTaskGroup(of: SMTPOutcome.self) { group in
            for index in 0..<16 {
                group.addTask { await transport.send(Self.message(to: "reader\(index)@example.org")) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await transport.shutdown()

        // Then the connections waited for their greeting side by side: opened one after another on
        // each thread, at most two would have waited at a time
        #expect(outcomes.allSatisfy { $0.isDelivered })
        #expect(try server.stats().connections >= 8)
        let waiting = try server.count("waiting_max")
        #expect(waiting > 2, "at most \(waiting) connections waited for their greeting at once")
    }

    @Test func sendAfterShutdownFailsWithoutConnecting() async throws {
        let server = try SMTPTestServer()
        let transport = try Self.plain(server)
        await transport.shutdown()

        let outcome = await transport.send(Self.message())

        #expect(outcome.classification == .connectionFailed)
        #expect(try server.stats().connections == 0)
    }

    @Test func anEnvelopeSenderThatWouldForgeACommandNeverGoesOut() async throws {
        // Given a connection that has just sent a message with a valid envelope sender
        let server = try SMTPTestServer(arguments: ["--pipelining"])
        let transport = try Self.plain(server)
        #expect(await transport.send(Self.message()).isDelivered)

        // When the next message's envelope sender carries a line break that would start a command of its own
        var refused = Self.message(to: "second@example.org")
        refused.envelopeFrom = "bounces@example.org>\r\nRCPT TO:<forged@example.org"
        let outcome = await transport.send(refused)
        // and a sender longer than SMTP allows
        var long = Self.message(to: "third@example.org")
        long.envelopeFrom = String(repeating: "x", count: 8_000_001) + "@example.org"
        let longOutcome = await transport.send(long)
        let after = await transport.send(Self.message(to: "fourth@example.org"))
        await transport.shutdown()

        // Then nothing goes out for either (nothing with the previous message's sender), the outcome says
        // why without blaming the recipient, and the connection goes on
        for outcome in [outcome, longOutcome] {
            #expect(!outcome.isDelivered)
            #expect(outcome.classification == .connectionFailed)
            #expect(outcome.stage == .mailFrom)
            #expect(outcome.detail?.contains("envelope sender") == true, "\(outcome)")
        }
        #expect(after.isDelivered)
        #expect(try server.stats().messages == 2)
        #expect(try server.envelope(2)["rcpt_tos"] as? [String] == ["fourth@example.org"])
        #expect(try server.stats().connections == 1)
    }

    @Test func aRecipientThatWouldForgeACommandIsRefusedForGood() async throws {
        let server = try SMTPTestServer(arguments: ["--pipelining"])
        let transport = try Self.plain(server)

        let outcome = await transport.send(Self.message(to: "reader@example.org>\r\nRCPT TO:<forged@example.org"))
        let after = await transport.send(Self.message(to: "reader@example.org"))
        await transport.shutdown()

        #expect(outcome.classification == .permanent)
        #expect(outcome.stage == .rcptTo)
        #expect(outcome.detail?.contains("recipient address") == true, "\(outcome)")
        #expect(after.isDelivered)
        #expect(try server.stats().messages == 1)
        #expect(try server.envelope(1)["rcpt_tos"] as? [String] == ["reader@example.org"])
    }

    @Test func aRelayOfferingPipeliningGetsEachEnvelopeInOneGroup() async throws {
        // Given a relay that announces PIPELINING, SIZE and 8BITMIME
        let server = try SMTPTestServer(arguments: ["--pipelining", "--reject", "gone@example.org"])
        let transport = try Self.plain(server)

        // When messages go out, one of them to a refused recipient in the middle
        var outcomes: [SMTPOutcome] = []
        for recipient in ["a@example.org", "b@example.org", "gone@example.org", "c@example.org", "d@example.org"] {
            outcomes.append(await transport.send(Self.message(to: recipient)))
        }
        await transport.shutdown()

        // Then every envelope arrived as one group (RCPT TO was there when MAIL FROM was answered)
        #expect(try server.count("pipelined") == 5)
        // and the refusal is the recipient's alone: the rest went out on the same connection after it
        #expect(outcomes.map(\.classification) == [.delivered, .delivered, .permanent, .delivered, .delivered])
        #expect(outcomes[2].stage == .rcptTo)
        #expect(outcomes[2].reply?.code == 550)
        #expect(outcomes[2].reply?.enhancedStatus == "5.1.1")
        let stats = try server.stats()
        #expect(stats.messages == 4)
        #expect(stats.connections == 1)
        // and each message arrived byte for byte, its dot lines unstuffed, with SIZE and BODY=8BITMIME
        let message = Self.message(to: "d@example.org")
        #expect(try server.message(4) == message.data)
        let options = try server.envelope(4)["mail_options"] as? [String] ?? []
        #expect(options.contains("SIZE=\(message.data.count)"), "\(options)")
        #expect(options.contains("BODY=8BITMIME"), "\(options)")
    }

    @Test(arguments: [true, false])
    func aRelayThatSays421AndClosesIsLeftAndReopened(pipelining: Bool) async throws {
        // Given a relay that answers one envelope sender with 421 and closes the connection
        let server = try SMTPTestServer(
            arguments: ["--close-at-mail", "leaving@example.org"] + (pipelining ? ["--pipelining"] : []))
        let transport = try Self.plain(server)
        #expect(await transport.send(Self.message(to: "first@example.org")).isDelivered)

        // When a message meets the 421, and the next one follows
        var closing = Self.message(to: "second@example.org")
        closing.envelopeFrom = "leaving@example.org"
        let outcome = await transport.send(closing)
        let next = await transport.send(Self.message(to: "third@example.org"))
        await transport.shutdown()

        // Then the 421 is a reason to try again later, not the recipient's fault, and the next message
        // goes out on a new connection
        #expect(outcome.classification == .transient, "\(outcome)")
        #expect(outcome.stage == .mailFrom)
        #expect(outcome.reply?.code == 421)
        #expect(next.isDelivered, "\(next)")
        let stats = try server.stats()
        #expect(stats.messages == 2)
        #expect(stats.connections == 2)
    }

    @Test func aRelayWithoutPipeliningGetsOneCommandAtATime() async throws {
        let server = try SMTPTestServer(arguments: ["--reject", "gone@example.org"])
        let transport = try Self.plain(server)

        let first = await transport.send(Self.message(to: "gone@example.org"))
        let second = await transport.send(Self.message(to: "a@example.org"))
        await transport.shutdown()

        #expect(first.classification == .permanent)
        #expect(second.isDelivered)
        #expect(try server.count("pipelined") == 0)
        #expect(try server.stats().connections == 1)
    }

    @Test func invalidConfigurationIsRejected() {
        #expect(throws: TransportError.self) {
            try CurlSMTPTransport(configuration: .init(url: "http://127.0.0.1:25"))
        }
        #expect(throws: TransportError.self) {
            try CurlSMTPTransport(configuration: .init(url: "smtp://127.0.0.1:25", concurrency: 0))
        }
    }

    @Test func configurationDescriptionHidesThePassword() {
        let configuration = CurlSMTPTransport.Configuration(
            url: "smtp://relay", username: "u", password: "hunter2")
        #expect(!configuration.description.contains("hunter2"))
    }
}
