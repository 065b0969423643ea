import FuzzSupport
import HealthCal

/// The input is a hand-made scorecard (YAML), parsed and validated.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzScorecard(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = try? Scorecard.parse(yaml: String(decoding: fuzzBytes(data, size), as: UTF8.self))
    return 0
}

runFuzzer(fuzzScorecard)
