import Foundation
import FuzzSupport
import HealthCal

/// The input is a weight file (JSON); one that loads is also written back out.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzWeightFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let file = try? WeightFile.parse(Data(fuzzBytes(data, size)), path: "fuzz.json") {
        _ = try? file.data()
    }
    return 0
}

runFuzzer(fuzzWeightFile)
