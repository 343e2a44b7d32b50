import RundbriefCore
import Testing

@Suite("Message parser")
struct MessageParserTests {
    let parser = MessageParser()

    private func parse(_ text: String) -> MessagePart {
        parser.parse(Array(text.utf8))
    }

    @Test func unfoldsHeadersAndKeepsOrder() {
        let part = parse("Subject: a long\r\n\tsubject line\r\nX-A: 1\r\nX-a: 2\r\n\r\nbody")
        #expect(part.headers["subject"] == "a long\tsubject line")
        #expect(part.headers.all("X-A") == ["1", "2"])
        #expect(part.body == Array("body".utf8))
    }

    @Test func decodesEncodedWordsInSeveralCharsets() {
        let part = parse(
            "Subject: =?UTF-8?Q?Fr=C3=BChling?= =?utf-8?b?w7xiZXI=?= und =?ISO-8859-1?Q?Gr=FC=DFe?=\n"
                + "From: =?windows-1252?Q?=80uro_=93Quote=94?= <a@b.example>\n"
                + "To: =?iso-8859-15?q?=A4?= <c@d.example>\n\n")
        #expect(part.headers.decoded("Subject") == "Frühlingüber und Grüße")
        #expect(part.headers.decoded("From") == "€uro “Quote” <a@b.example>")
        #expect(part.headers.decoded("To") == "€ <c@d.example>")
    }

    @Test func joinsMultibyteCharacterSplitAcrossEncodedWords() {
        // "ü" is C3 BC; a sender split it between two encoded words.
        let part = parse("Subject: =?UTF-8?B?w6E=?= =?UTF-8?Q?=C3?= =?UTF-8?Q?=BC?=\n\n")
        #expect(part.headers.decoded("Subject") == "áü")
    }

    @Test func invalidUTF8FallsBackToWindows1252() {
        var bytes = Array("Content-Type: text/plain; charset=utf-8\n\nGr".utf8)
        bytes += [0xFC, 0xDF, 0x80]
        #expect(parser.parse(bytes).text == "Grüß€")
    }

    @Test func decodesQuotedPrintableAndBase64Bodies() {
        let qp = parse(
            "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nSch=F6ne =\nGr=FC=DFe =ZZ"
        )
        #expect(qp.text == "Schöne Grüße =ZZ")
        let b64 = parse("Content-Transfer-Encoding: BASE64\n\nSGFs\nbG8g!!w7w=\n")
        #expect(b64.text == "Hallo ü")
    }

    @Test func parsesNestedMultipartsAndEmbeddedMessages() {
        let text = """
            Content-Type: multipart/mixed; boundary="outer"

            preamble
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain

            plain
            --inner
            Content-Type: text/html

            <b>html</b>
            --inner--
            --outer
            Content-Type: message/rfc822

            Subject: embedded
            Content-Type: text/plain

            inside
            --outer
            Content-Type: text/rfc822-headers

            Message-ID: <x@y.example>
            --outer--
            epilogue
            """
        let root = parse(text)
        let children = root.children
        #expect(children.count == 3)
        #expect(children[0].children.map(\.text) == ["plain", "<b>html</b>"])
        #expect(children[1].children.first?.headers["Subject"] == "embedded")
        #expect(children[1].children.first?.text == "inside")
        #expect(children[2].children.first?.headers["Message-ID"] == "<x@y.example>")
        #expect(root.first(intoMessages: false) { $0.text == "inside" } == nil)
    }

    @Test func truncatedMultipartKeepsLastPart() {
        let root = parse(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\n\nsecond, cut off")
        #expect(root.children.map(\.text) == ["first", "second, cut off"])
    }

    @Test func missingBoundaryMakesALeaf() {
        let root = parse("Content-Type: multipart/mixed; boundary=nowhere\n\nno parts here")
        #expect(root.children.isEmpty)
        #expect(root.text == "no parts here")
    }

    @Test func boundaryPrefixOfLongerLineIsNotADelimiter() {
        let root = parse(
            "Content-Type: multipart/mixed; boundary=ab\n\n--ab\n\n--abc is text\n--ab--\n")
        #expect(root.children.map(\.text) == ["--abc is text"])
    }

    @Test func depthAndPartLimitsHold() {
        var message = ""
        for level in 0..<200 {
            message += "Content-Type: multipart/mixed; boundary=\"l\(level)\"\n\n--l\(level)\n"
        }
        let limited = MessageParser(limits: .init(maxDepth: 5, maxParts: 50))
        let root = limited.parse(Array(message.utf8))
        #expect(depth(of: root) <= 6)

        let many =
            "Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\n\nx\n", count: 5000)
        #expect(limited.parse(Array(many.utf8)).allParts().count <= 50)
    }

    private func depth(of part: MessagePart) -> Int {
        1 + (part.children.map { depth(of: $0) }.max() ?? 0)
    }

    @Test func headerWithoutBlankLineEndsAtFirstNonHeaderLine() {
        let part = parse("From: a@b.example\nSubject: hi\nThis is the body\nsecond line")
        #expect(part.headers["Subject"] == "hi")
        #expect(part.text == "This is the body\nsecond line")
    }

    @Test func contentTypeParametersAreParsedLeniently() {
        let type = ContentType(
            parsing:
                "Multipart/Report; report-type=\"delivery-status\";\n\tBOUNDARY=\"a;b\\\"c\"; charset*=utf-8''x"
        )
        #expect(type.mimeType == "multipart/report")
        #expect(type.parameters["report-type"] == "delivery-status")
        #expect(type.parameters["boundary"] == "a;b\"c")
        #expect(ContentType(parsing: "garbage").mimeType == "text/plain")
    }
}
