import FuzzSupport
import HealthCal

/// The input is a spec file (YAML), parsed and validated as `Spec.load` does.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = try? Spec.parse(yaml: String(decoding: fuzzBytes(data, size), as: UTF8.self), file: "fuzz.yaml")
    return 0
}

runFuzzer(fuzzSpec)
