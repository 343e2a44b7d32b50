import Foundation
import Testing

@testable import RundbriefCore

struct TOMLTests {
    static func value(_ text: String) throws -> TOMLValue? {
        try TOML.parse("v = " + text)["v"]
    }

    // MARK: Keys and tables

    @Test func parsesBareQuotedAndDottedKeys() throws {
        let table = try TOML.parse(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal.key' = 3
            site . "google.com" = true
            3.14159 = "pi"
            "" = "empty"
            """)
        #expect(table.keys == ["bare_key-1", "quoted key", "literal.key", "site", "3", ""])
        #expect(table["quoted key"] == .integer(2))
        #expect(table["literal.key"] == .integer(3))
        #expect(table["site"]?.table?["google.com"] == .boolean(true))
        #expect(table["3"]?.table?["14159"] == .string("pi"))
        #expect(table[""] == .string("empty"))
    }

    @Test func keepsDocumentOrderAndLines() throws {
        let table = try TOML.parse("# comment\nzeta = 1\n\nalpha = 2\n[server]\nport = 8080\n")
        #expect(table.keys == ["zeta", "alpha", "server"])
        #expect(table.line(of: "zeta") == 2)
        #expect(table.line(of: "alpha") == 4)
        #expect(table.line(of: "server") == 5)
        #expect(table["server"]?.table?.line(of: "port") == 6)
        #expect(table.line(of: "missing") == nil)
    }

    @Test func parsesTablesAndSubTables() throws {
        let table = try TOML.parse(
            """
            [smtp]
            host = "mail.example.de"
            [smtp.auth]   # a sub-table
            user = "news"
            [ web . "tls" ]
            enabled = false
            [a.b.c]
            [a]
            x = 1
            """)
        #expect(table["smtp"]?.table?["host"] == .string("mail.example.de"))
        #expect(table["smtp"]?.table?["auth"]?.table?["user"] == .string("news"))
        #expect(table["web"]?.table?["tls"]?.table?["enabled"] == .boolean(false))
        #expect(table["a"]?.table?["x"] == .integer(1))
        #expect(table["a"]?.table?["b"]?.table?["c"] == .table(TOMLTable()))
    }

    @Test func allowsSubTablesOfDottedTables() throws {
        let table = try TOML.parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        let apple = try #require(table["fruit"]?.table?["apple"]?.table)
        #expect(apple.keys == ["color", "taste", "texture"])
        #expect(apple["texture"]?.table?["smooth"] == .boolean(true))
    }

    @Test func parsesArraysOfTables() throws {
        let table = try TOML.parse(
            """
            [[lists]]
            name = "Wochenbrief"
            [lists.sender]
            address = "a@x.de"
            [[lists]]
            name = "Sonderausgabe"
            [[lists.tags]]
            id = 1
            [[lists.tags]]
            id = 2
            """)
        let lists = try #require(table["lists"]?.array)
        #expect(lists.count == 2)
        #expect(lists[0].table?["name"] == .string("Wochenbrief"))
        #expect(lists[0].table?["sender"]?.table?["address"] == .string("a@x.de"))
        #expect(lists[1].table?["sender"] == nil)
        #expect(lists[1].table?["tags"]?.array?.compactMap { $0.table?["id"]?.integer } == [1, 2])
    }

    @Test func parsesInlineTables() throws {
        let table = try TOML.parse(#"point = { x = 1, y.z = 2, "k" = { a = [] } }"# + "\nempty = {}")
        let point = try #require(table["point"]?.table)
        #expect(point.keys == ["x", "y", "k"])
        #expect(point["y"]?.table?["z"] == .integer(2))
        #expect(point["k"]?.table?["a"] == .array([]))
        #expect(table["empty"] == .table(TOMLTable()))
    }

    // MARK: Values

    @Test func parsesArrays() throws {
        #expect(try Self.value("[ 1, 2, 3 ]") == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(try Self.value("[]") == .array([]))
        #expect(
            try Self.value("[[1, 2], ['a']]")
                == .array([.array([.integer(1), .integer(2)]), .array([.string("a")])]))
        #expect(try Self.value("[1, 'mixed', 2.5, {a = true}]")?.array?.count == 4)
        let multiLine = """
            [
              "a", # first
              # a comment line
              "b",
            ]
            """
        #expect(try Self.value(multiLine) == .array([.string("a"), .string("b")]))
    }

    @Test func parsesBasicStringEscapes() throws {
        #expect(
            try Self.value(#""tab\there \"q\" back\\slash \b\f\n\r""#)
                == .string("tab\there \"q\" back\\slash \u{08}\u{0C}\n\r"))
        #expect(try Self.value(#""\u00fc \U0001F600 \u00E9""#) == .string("ü 😀 é"))
        #expect(try Self.value(#""Grüße 🙂""#) == .string("Grüße 🙂"))
    }

    @Test func parsesLiteralStrings() throws {
        #expect(
            try Self.value(#"'C:\Users\nodejs\templates'"#) == .string(#"C:\Users\nodejs\templates"#))
        #expect(try Self.value(#"'<\i\c*\s*>'"#) == .string(#"<\i\c*\s*>"#))
    }

    @Test func parsesMultiLineStrings() throws {
        #expect(
            try Self.value("\"\"\"\nRoses are red\nViolets are blue\"\"\"")
                == .string("Roses are red\nViolets are blue"))
        let folded = "\"\"\"\\\n  The quick brown \\\n\n    fox jumps.\\\n  \"\"\""
        #expect(try Self.value(folded) == .string("The quick brown fox jumps."))
        let twoQuotes = "\"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\""
        #expect(try Self.value(twoQuotes) == .string("Here are two quotation marks: \"\". Simple enough."))
        let quotesAtEnds = "\"\"\"\"\"quoted\"\"\"\"\""  // five quotes on each side
        #expect(try Self.value(quotesAtEnds) == .string("\"\"quoted\"\""))
        #expect(
            try Self.value("'''\nfirst line\n  kept \\n raw\n'''")
                == .string("first line\n  kept \\n raw\n"))
        #expect(
            try Self.value("''''That,' she said, 'is still pointless.''''")
                == .string("'That,' she said, 'is still pointless.'"))
        #expect(try Self.value("\"\"\"a\r\nb\"\"\"") == .string("a\r\nb"))
    }

    @Test func parsesIntegers() throws {
        let cases: [(String, Int64)] = [
            ("+99", 99), ("42", 42), ("0", 0), ("-17", -17), ("-0", 0), ("+0", 0), ("1_000", 1000),
            ("5_349_221", 5_349_221), ("1_2_3_4_5", 12345), ("0xDEADBEEF", 0xDEAD_BEEF),
            ("0xdead_beef", 0xDEAD_BEEF),
            ("0o01234567", 0o1234567), ("0o755", 0o755), ("0b11010110", 0b1101_0110),
            ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ]
        for (text, expected) in cases {
            #expect(try Self.value(text) == .integer(expected), "\(text)")
        }
    }

    @Test func parsesFloats() throws {
        let cases: [(String, Double)] = [
            ("+1.0", 1), ("3.1415", 3.1415), ("-0.01", -0.01), ("5e+22", 5e22), ("1e06", 1e6),
            ("-2E-2", -0.02),
            ("6.626e-34", 6.626e-34), ("224_617.445_991_228", 224_617.445_991_228), ("inf", .infinity),
            ("+inf", .infinity), ("-inf", -.infinity), ("0e0", 0),
        ]
        for (text, expected) in cases {
            #expect(try Self.value(text) == .float(expected), "\(text)")
        }
        for text in ["nan", "+nan", "-nan"] {
            #expect(try Self.value(text)?.double?.isNaN == true)
        }
    }

    @Test func parsesBooleans() throws {
        #expect(try Self.value("true") == .boolean(true))
        #expect(try Self.value("false") == .boolean(false))
    }

    @Test func keepsDateTimesAsText() throws {
        for text in [
            "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00",
            "1979-05-27 07:32:00Z", "1979-05-27t07:32:00z", "1979-05-27T07:32:00",
            "1979-05-27T00:32:00.999999",
            "1979-05-27", "07:32:00", "00:32:00.999999", "2024-02-29",
        ] {
            #expect(try Self.value(text) == .datetime(text), "\(text)")
        }
        let table = try TOML.parse("d = 1979-05-27 # a date, not a date-time\nnext = 1")
        #expect(table["d"] == .datetime("1979-05-27"))
    }

    @Test func readsACompleteConfiguration() throws {
        let text = """
            # Rundbrief configuration
            [server]
            listen = "127.0.0.1:8080"
            base_url = "https://news.example.de"

            [smtp]
            url = "smtps://mail.example.de:465"
            connections = 4
            rate = { per_second = 10.5, per_hour = 20_000 }

            [[lists]]
            slug = "wochenbrief"
            name = "Der Wochenbrief"
            [[lists]]
            slug = "intern"
            name = "Intern"
            """
        let table = try TOML.parse(text)
        #expect(table.keys == ["server", "smtp", "lists"])
        #expect(table["smtp"]?.table?["rate"]?.table?["per_second"]?.double == 10.5)
        #expect(table["smtp"]?.table?["connections"]?.integer == 4)
        #expect(table["lists"]?.array?.last?.table?["name"]?.string == "Intern")
        #expect(table["smtp"]?.table?.line(of: "connections") == 8)
    }

    // MARK: Errors

    static let invalid: [(text: String, line: Int, column: Int, reason: String)] = [
        ("a = 1\na = 2", 2, 1, "duplicate key a"),
        ("a.b = 1\na.b = 2", 2, 1, "duplicate key a.b"),
        ("a = 1\na.b = 2", 2, 1, "cannot add keys to a here: it is already defined"),
        ("[a]\nx = 1\n[a]", 3, 1, "table [a] is defined twice"),
        ("[a]\nb.c = 1\n[a.b]", 3, 1, "table [a.b] was already defined with dotted keys"),
        ("[a.b]\nx = 1\n[a]\nb.y = 2", 4, 1, "cannot add keys to a.b here: it is already defined"),
        ("a = {x = 1}\n[a]", 2, 1, "key a is already defined"),
        ("a = {x = 1}\n[a.b]", 2, 1, "inline table a cannot be extended"),
        ("a = {x = 1}\na.y = 2", 2, 1, "cannot add keys to a here: it is already defined"),
        ("a = [1]\n[[a]]", 2, 1, "cannot make a an array of tables: it is already defined"),
        ("[[a]]\n[a]", 2, 1, "[a] is an array of tables; write [[a]]"),
        ("a = 1\n[a.b]", 2, 1, "key a is a value, not a table"),
        ("p = {x = 1, x = 2}", 1, 13, "duplicate key x"),
        ("p = {x = 1,}", 1, 12, "trailing comma in an inline table"),
        ("p = {x = 1,\ny = 2}", 1, 12, "an inline table must be on one line"),
        ("a = ", 1, 5, "expected a value"),
        ("a", 1, 2, "expected = after the key"),
        ("= 1", 1, 1, "expected a key"),
        ("a = 1 b = 2", 1, 7, "expected the end of the line"),
        ("a = \"open", 1, 10, "unterminated string"),
        (
            "a = \"line\nbreak\"", 1, 10,
            "unterminated string (use \"\"\" for a string over several lines)"
        ),
        ("a = 'open", 1, 10, "unterminated string"),
        ("a = \"\"\"open", 1, 12, "unterminated multi-line string"),
        ("a = \"\\x\"", 1, 6, "unknown escape sequence \\x"),
        ("a = \"\\uD800\"", 1, 6, "escape \\uD800 is not a Unicode scalar value"),
        ("a = \"\\u12\"", 1, 6, "\\u and \\U escapes need 4 hexadecimal digits"),
        ("a = \"\u{1}\"", 1, 6, "control character in a string (escape it)"),
        ("a = 1 # bad \u{7} comment", 1, 13, "control character in a comment"),
        ("a = 1\rb = 2", 1, 6, "carriage return without a line feed"),
        ("a = 01", 1, 5, "invalid value 01 (strings need quotes)"),
        ("a = 1__0", 1, 5, "invalid value 1__0 (strings need quotes)"),
        ("a = _1", 1, 5, "invalid value _1 (strings need quotes)"),
        ("a = 1_", 1, 5, "invalid value 1_ (strings need quotes)"),
        ("a = 0xG", 1, 5, "invalid value 0xG (strings need quotes)"),
        ("a = 0b102", 1, 5, "invalid value 0b102 (strings need quotes)"),
        ("a = 9223372036854775808", 1, 5, "integer 9223372036854775808 is too large"),
        ("a = 1.", 1, 5, "invalid value 1. (strings need quotes)"),
        ("a = .5", 1, 5, "invalid value .5 (strings need quotes)"),
        ("a = 1e", 1, 5, "invalid value 1e (strings need quotes)"),
        ("a = 1.2.3", 1, 5, "invalid value 1.2.3 (strings need quotes)"),
        ("a = hello", 1, 5, "invalid value hello (strings need quotes)"),
        ("a = TRUE", 1, 5, "invalid value TRUE (strings need quotes)"),
        ("a = 1979-02-29", 1, 5, "invalid date-time 1979-02-29"),
        ("a = 1979-13-01", 1, 5, "invalid date-time 1979-13-01"),
        ("a = 1979-05-27T25:00:00", 1, 5, "invalid date-time 1979-05-27T25:00:00"),
        ("a = 07:32", 1, 5, "invalid date-time 07:32"),
        ("a = [1 2]", 1, 8, "expected , or ] in the array"),
        ("a = [1,,2]", 1, 8, "expected a value"),
        ("[a", 1, 3, "expected ] to close the table header"),
        ("[[a]", 1, 4, "expected ]] to close the table header"),
        ("[a]]", 1, 4, "expected the end of the line"),
        ("\"\"\"k\"\"\" = 1", 1, 1, "a key cannot be a multi-line string"),
        ("a = \"\"\"x\"\"\"\"\"\"", 1, 9, "too many quotes in a row in a multi-line string"),
    ]

    @Test(arguments: invalid)
    func reportsErrorsWithPosition(_ sample: (text: String, line: Int, column: Int, reason: String)) {
        #expect(throws: TOMLError(line: sample.line, column: sample.column, reason: sample.reason)) {
            try TOML.parse(sample.text)
        }
    }
}
