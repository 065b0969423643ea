#if canImport(Glibc)
import Glibc
#endif

/// One fuzz input: the bytes libFuzzer generated. Returns 0 (libFuzzer reserves other values).
public typealias FuzzBody = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ body: FuzzBody) -> CInt

/// Hands the process's arguments to libFuzzer's driver, which calls `body` once per input.
///
/// SwiftPM points an executable's `main` at its top-level code (`--defsym main=<target>_main`),
/// which wins over libFuzzer's own `main`; so the top-level code calls libFuzzer's documented
/// entry for that case, `LLVMFuzzerRunDriver`, which takes the usual flags (`-max_total_time=`,
/// a corpus folder, a crash file to replay). Each target still exports its body as
/// `LLVMFuzzerTestOneInput`, because libFuzzer's unused `main` refers to that name.
public func runFuzzer(_ body: FuzzBody) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, body))
}

/// The input as a buffer (libFuzzer passes a null pointer for the empty input).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size > 0 ? data : nil, count: size)
}
