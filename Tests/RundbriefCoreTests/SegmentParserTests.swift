import Foundation
import PropertyBased
import Testing

@testable import RundbriefCore

@Suite struct SegmentParserTests {
    @Test func readsTheIssuesExamples() throws {
        #expect(try SegmentParser.parse(#"kommune = "Unna""#) == .equals(.attribute("kommune"), "Unna"))
        #expect(
            try SegmentParser.parse(#"kreis in ("Unna", "Soest")"#) == .isIn(.attribute("kreis"), ["Unna", "Soest"]))
        #expect(try SegmentParser.parse(#"rolle != "Presse""#) == .notEquals(.attribute("rolle"), "Presse"))
        #expect(try SegmentParser.parse("has telefon") == .has(.attribute("telefon")))
        let time = try #require(SegmentTime("2025-01-01"))
        #expect(try SegmentParser.parse(#"subscribed_before "2025-01-01""#) == .subscribedBefore(time))
        #expect(
            try SegmentParser.parse(#"subscribed_after "2025-03-31 09:30""#)
                == .subscribedAfter(try #require(SegmentTime("2025-03-31 09:30"))))
    }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() throws {
        let a = SegmentExpression.equals(.attribute("a"), "1")
        let b = SegmentExpression.equals(.attribute("b"), "2")
        let c = SegmentExpression.equals(.attribute("c"), "3")
        #expect(try SegmentParser.parse(#"a = "1" or b = "2" and c = "3""#) == .or(a, .and(b, c)))
        #expect(try SegmentParser.parse(#"(a = "1" or b = "2") and c = "3""#) == .and(.or(a, b), c))
        #expect(try SegmentParser.parse(#"not a = "1" and b = "2""#) == .and(.not(a), b))
        #expect(try SegmentParser.parse(#"NOT (a = "1" AND b = "2")"#) == .not(.and(a, b)))
        #expect(
            try SegmentParser.parse(#"kreis not in ("Soest")"#) == .not(.isIn(.attribute("kreis"), ["Soest"])))
    }

    @Test func builtInFieldsKeywordsAndNamesIgnoreCase() throws {
        #expect(try SegmentParser.parse(#"EMAIL = "a@b.de""#) == .equals(.email, "a@b.de"))
        #expect(try SegmentParser.parse(#"Name != """#) == .notEquals(.name, ""))
        #expect(try SegmentParser.parse(#"Domain iN ("x.de")"#) == .isIn(.domain, ["x.de"]))
        #expect(try SegmentParser.parse("HAS Telefon") == .has(.attribute("telefon")))
        #expect(try SegmentParser.parse(#"Straße = "Ring 1""#) == .equals(.attribute("straße"), "Ring 1"))
        #expect(try SegmentParser.parse(#"attribute "E-Mail 2" = "x""#) == .equals(.attribute("e-mail 2"), "x"))
        #expect(try SegmentParser.parse(#"attribute "email" = "x""#) == .equals(.attribute("email"), "x"))
        #expect(try SegmentParser.parse(#"a = "say \"hi\" \\ ok""#) == .equals(.attribute("a"), #"say "hi" \ ok"#))
    }

    /// Each mistake names its column (1-based, in characters) and what was expected there.
    @Test(
        arguments: [
            (#"kommune = Unna"#, 11, #"expected a text in double quotes after = (found Unna); write "Unna""#),
            (#"kommune == "Unna""#, 10, "expected a text in double quotes after ="),
            (#"kommune "Unna""#, 9, "expected =, !=, in or not in after kommune"),
            (#"kommune = "Unna" und kreis = "Soest""#, 18, "expected and, or or the end of the filter (found und)"),
            (#"(kommune = "Unna""#, 18, "expected ')' to close the '(' at column 1 (found the end)"),
            (#"kommune = "Unna"#, 11, "the text starting here has no closing double quote"),
            (#"kommune = „Unna“"#, 11, "straight double quotes"),
            (#"kommune = "Unna" && has telefon"#, 18, "unexpected character '&'; combine conditions with and, or, not"),
            (#"kreis in "Unna""#, 10, "expected '(' and a list of texts after in"),
            (#"kreis in ("Unna" "Soest")"#, 18, "expected ',' or ')' to close the '(' at column 10"),
            (#"has "telefon""#, 5, "field names are not quoted"),
            (#"subscribed_before "01.01.2025""#, 19, #"expected a date as "YYYY-MM-DD""#),
            (#"subscribed_before "2025-02-30""#, 19, #"expected a date as "YYYY-MM-DD""#),
            ("   ", 1, "the filter is empty"),
            (#"Ämter = "x" and"#, 16, "expected a condition such as"),
            (#"in = "x""#, 1, #"the keyword in; an attribute with this name is written attribute "in""#),
            (#"attribute "a\"b" = "x""#, 11, "cannot be empty or contain"),
            (#"kommune ! "Unna""#, 9, "'!' must be followed by '='"),
        ] as [(String, Int, String)])
    func mistakesNameTheirColumn(source: String, column: Int, message: String) {
        #expect {
            _ = try SegmentParser.parse(source)
        } throws: { error in
            guard let error = error as? SegmentSyntaxError else { return false }
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
            #expect(!error.description.contains("\n"))
            return true
        }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let source = String(repeating: "(", count: 5000) + #"a = "b""# + String(repeating: ")", count: 5000)
        #expect(throws: SegmentSyntaxError.self) { try SegmentParser.parse(source) }
        let nots = String(repeating: "not ", count: 5000) + #"a = "b""#
        #expect(throws: SegmentSyntaxError.self) { try SegmentParser.parse(nots) }
    }

    @Test func segmentTimesAreCalendarDaysAndMinutes() throws {
        #expect(SegmentTime("2024-02-29") != nil)
        #expect(SegmentTime("2025-02-29") == nil)
        #expect(SegmentTime("2025-13-01") == nil)
        #expect(SegmentTime("2025-01-01 24:00") == nil)
        #expect(SegmentTime("2025-1-1") == nil)
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let day = try #require(SegmentTime("2025-07-01"))
        // Midnight in Berlin (summer time) is 22:00 UTC the day before.
        #expect(day.start(in: berlin).timeIntervalSince1970 == 1_751_320_800)
        #expect(day.end(in: berlin).timeIntervalSince(day.start(in: berlin)) == 86_400)
        let minute = try #require(SegmentTime("2025-07-01 10:15"))
        #expect(minute.end(in: berlin).timeIntervalSince(minute.start(in: berlin)) == 60)
    }

    @Test func attributeNamesAreListedOnce() throws {
        let expression = try SegmentParser.parse(
            #"(kommune = "Unna" or kommune = "Soest") and has telefon and not name = "" and rolle in ("a")"#)
        #expect(expression.attributeNames == ["kommune", "telefon", "rolle"])
    }

    @Test func foldingIgnoresCaseAcrossUnicode() {
        #expect(SegmentText.fold("ÜNNA") == SegmentText.fold("ünna"))
        #expect(SegmentText.fold("Unna") == "unna")
        #expect(SegmentText.fold("bürgermeister") == "bürgermeister")
    }

    // MARK: - Properties

    /// Printing an expression and reading it back gives the same tree, for any tree.
    @Test func printingThenParsingIsTheIdentity() async {
        await propertyCheck(count: 500, input: SegmentGen.expression) { expression in
            let text = expression.description
            #expect((try? SegmentParser.parse(text)) == expression, "\(text)")
        }
    }

    /// Whatever an editor types, the parser answers with a tree or a syntax error naming a column
    /// inside the text (or just after it); it never crashes.
    @Test func anyTextGivesATreeOrAnErrorInsideIt() async {
        await propertyCheck(count: 1000, input: SegmentGen.noise) { text in
            do {
                _ = try SegmentParser.parse(text)
            } catch let error as SegmentSyntaxError {
                #expect(error.column >= 1 && error.column <= text.count + 1, "\(error) for \(text.debugDescription)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}

/// Generators for segment expressions and for text that looks like one. An expression is built
/// from a stream of choices, so the library's shrinking of integer arrays shrinks expressions too.
enum SegmentGen {
    static let names = ["kommune", "kreis", "rolle", "telefon", "straße", "e-mail 2", "in", "email", "x.y", "_a"]
    static let values = ["Unna", "", "ÜNNA", "a \"b\" c", "back\\slash", "Soest", "' OR 1=1 --", "ß", "😀"]
    static let times = ["2025-01-01", "2024-02-29 23:59", "1999-12-31", "2030-06-15 00:00"].map { SegmentTime($0)! }

    static let expression = Gen<Int>.int(in: 0...1_000).array(of: 1...60).map { choices in
        var stream = Choices(values: choices)
        return build(depth: 4, &stream)
    }

    struct Choices {
        var values: [Int]
        var index = 0
        mutating func next(_ bound: Int) -> Int {
            defer { index += 1 }
            return index < values.count ? values[index] % bound : 0
        }
    }

    static func build(depth: Int, _ choices: inout Choices) -> SegmentExpression {
        switch depth > 0 ? choices.next(5) : 0 {
        case 0, 1: return leaf(&choices)
        case 2: return .not(build(depth: depth - 1, &choices))
        case 3: return .and(build(depth: depth - 1, &choices), build(depth: depth - 1, &choices))
        default: return .or(build(depth: depth - 1, &choices), build(depth: depth - 1, &choices))
        }
    }

    static func field(_ choices: inout Choices) -> SegmentField {
        switch choices.next(names.count + 3) {
        case 0: .email
        case 1: .name
        case 2: .domain
        case let index: .attribute(names[index - 3])
        }
    }

    static func value(_ choices: inout Choices) -> String { values[choices.next(values.count)] }

    static func leaf(_ choices: inout Choices) -> SegmentExpression {
        switch choices.next(6) {
        case 0: return .equals(field(&choices), value(&choices))
        case 1: return .notEquals(field(&choices), value(&choices))
        case 2:
            let field = field(&choices)
            return .isIn(field, (0...choices.next(3)).map { _ in value(&choices) })
        case 3: return .has(field(&choices))
        case 4: return .subscribedBefore(times[choices.next(times.count)])
        default: return .subscribedAfter(times[choices.next(times.count)])
        }
    }

    static let tokens = [
        "kommune", " ", "=", "!=", "\"Unna\"", "(", ")", ",", "in", "not", "and", "or", "has", "\"", "\\",
        "subscribed_before", "\"2025-01-01\"", "„", "&", "attribute", "Ü", "1", "\n", "!", "'",
    ]
    static let noise = Gen<Int>.int(in: 0...(tokens.count - 1)).array(of: 0...20).map { indexes in
        indexes.map { tokens[$0] }.joined()
    }
}
