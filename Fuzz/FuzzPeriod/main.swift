import FuzzSupport
import HealthCal

/// The input is a period label. Whatever parses must print a label that parses back to the same
/// period in the same format (the label is what exports and reports carry).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzPeriod(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    for format in PeriodFormat.allCases {
        guard let period = Period.parse(text, format: format) else { continue }
        if Period.parse(period.label, format: format) != period {
            preconditionFailure("'\(period.label)' does not parse back to the period it was printed from")
        }
    }
    return 0
}

runFuzzer(fuzzPeriod)
