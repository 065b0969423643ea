#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C library's read(2), write(2) and close(2), by a name that Swift methods called `read`,
// `write` or `close` cannot shadow.
#if canImport(Glibc)
let systemRead = Glibc.read
let systemWrite = Glibc.write
let systemClose = Glibc.close
#elseif canImport(Musl)
let systemRead = Musl.read
let systemWrite = Musl.write
let systemClose = Musl.close
#elseif canImport(Darwin)
let systemRead = Darwin.read
let systemWrite = Darwin.write
let systemClose = Darwin.close
#endif
