import Testing
@testable import HealthCal

@Suite struct CellParsingTests {
    /// The length shortcut of `missingLevels` must agree with `isMissingToken` on every level,
    /// including tokens and levels that are not ASCII, padded, or change length when lowercased.
    @Test func missingLevelsAgreeWithIsMissingToken() {
        let levels = ["C0001", "NA", "na", " NA ", "N/A", "n/a", "null", "NULL ", "NaN", "nan", "", "   ", "\t",
                      "none", "x", "-", "-999", "\u{212A}", "k", "K", "\u{130}", "i\u{307}", "é", "É", "NA\u{A0}", "\u{A0}NA"]
        let tokenSets = [DataOptions.defaultMissing, ["-999", "none"], ["\u{212A}"], ["\u{130}"], ["É", " NA "], []]
        for tokens in tokenSets {
            let data = DataOptions(id: "id", outcome: "y", missing: tokens)
            #expect(CellParsing.missingLevels(levels, data: data) == levels.map { data.isMissingToken($0) }, "\(tokens)")
        }
    }
}
