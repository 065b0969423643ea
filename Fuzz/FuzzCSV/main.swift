import FuzzSupport
@testable import HealthCal

/// The input is a CSV file after one byte that picks the options, so one corpus covers the
/// delimiter, the inference window and the multi-threaded split (chunks down to 8 bytes, which
/// must merge to the same table as one pass).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard let knob = input.first else { return 0 }
    var options = CSVOptions(delimiter: knob & 1 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";"),
                             inferenceRows: knob & 2 == 0 ? 1000 : 2,
                             threads: knob & 4 == 0 ? 1 : 2)
    options.minimumBytesPerThread = knob & 8 == 0 ? 1 << 20 : 8
    _ = try? CSVReader.read(bytes: Array(input.dropFirst()), source: "fuzz.csv", options: options)
    return 0
}

runFuzzer(fuzzCSV)
