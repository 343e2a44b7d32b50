import Testing

@testable import RundbriefCore

/// The export's CSV cells: nothing a spreadsheet would evaluate, and exactly reversible.
@Suite struct CSVLineTests {
    @Test(arguments: [
        "=1+2", "+49 231", "-1+HYPERLINK(\"http://x\")", "@SUM(A1)", "\tTab", "\rCR", "'quoted", "''", "'",
    ])
    func aCellThatWouldBeEvaluatedGetsAQuoteAndComesBack(value: String) {
        let cell = CSVLine.neutralised(value)
        #expect(cell == "'" + value)
        #expect(CSVLine.restored(cell) == value)
    }

    @Test(arguments: ["Anna", "", "Groß, Jörg", "1+2", "a=b", "x'"])
    func anOrdinaryCellIsLeftAsItIs(value: String) {
        #expect(CSVLine.neutralised(value) == value)
        #expect(CSVLine.restored(CSVLine.neutralised(value)) == value)
    }

    @Test func addressesAreQuotedNotAltered() {
        #expect(
            CSVLine.make(["=1+2@example.de", "-x", "a,b"], verbatim: [0]) == "\"=1+2@example.de\",'-x,\"a,b\"\r\n")
        #expect(CSVLine.make(["anna@example.de", "Anna"], verbatim: [0]) == "anna@example.de,Anna\r\n")
    }
}
