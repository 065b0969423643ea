import FuzzSupport
@testable import HealthCal

/// The input is a CSV file after one byte that picks the options, so one corpus covers the
/// delimiter, the inference window and the multi-threaded split (chunks down to 8 bytes). A split
/// read must give what one pass gives, the same table or the same problems; a difference traps.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard let knob = input.first else { return 0 }
    var options = CSVOptions(delimiter: knob & 1 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";"),
                             inferenceRows: knob & 2 == 0 ? 1000 : 2,
                             threads: knob & 4 == 0 ? 1 : 2)
    options.minimumBytesPerThread = knob & 8 == 0 ? 1 << 20 : 8
    let bytes = Array(input.dropFirst())
    let read = outcome(bytes, options)
    if options.threads > 1 && options.minimumBytesPerThread < bytes.count {
        options.threads = 1
        let single = outcome(bytes, options)
        if read != single {
            preconditionFailure("the split read differs from one pass:\n\(read)\n---\n\(single)")
        }
    }
    return 0
}

/// A read's result as text that compares exactly: every name, line, cell (numbers by bit
/// pattern, so that a missing NaN equals itself) and problem.
func outcome(_ bytes: [UInt8], _ options: CSVOptions) -> String {
    do {
        let t = try CSVReader.read(bytes: bytes, source: "fuzz.csv", options: options)
        let cells = t.columns.map { column -> String in
            switch column {
            case let .numeric(v): return "n" + v.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
            case let .text(c): return "t\(c.codes)\(c.levels)"
            }
        }
        return "\(t.names)\n\(t.rowCount) rows, lines \((0..<t.rowCount).map(t.line(ofRow:)))\n" + cells.joined(separator: "\n")
    } catch {
        return "\(error)"
    }
}

runFuzzer(fuzzCSV)
