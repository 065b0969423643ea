// swift-tools-version:6.0
import PackageDescription
import Foundation

let package = Package(
    name: "healthcal",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HealthCal", targets: ["HealthCal"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .executable(name: "healthcal", targets: ["healthcal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SHA-256 of the training file (the weight file's input_sha256).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // The C the package touches: a module map over cblas.h and lapacke.h.
        .systemLibrary(
            name: "CLapack",
            path: "Sources/CLapack",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // ...libpq, PostgreSQL's C client (a synchronous CLI gains nothing from NIO)...
        .systemLibrary(
            name: "CLibpq",
            path: "Sources/CLibpq",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // ...and the atomic renames (renameat2) that put a run's output folder in place.
        .target(name: "CSystem"),
        // Matrices and the BLAS/LAPACK calls; knows nothing about churn.
        .target(name: "LinearAlgebra", dependencies: ["CLapack"]),
        // The domain: data, model, evaluation, export, report.
        .target(
            name: "HealthCal",
            dependencies: ["LinearAlgebra", "CSystem", "CLibpq", .product(name: "Yams", package: "Yams"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The command-line tool: parses, calls HealthCal, prints.
        .executableTarget(
            name: "healthcal",
            dependencies: ["HealthCal", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "HealthCalTests", dependencies: ["HealthCal", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "healthcalTests", dependencies: ["healthcal", "TestSupport"], exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Fuzz/, docs/fuzzing.md): only with HEALTHCAL_FUZZ=1, which scripts/fuzz sets
// along with -sanitize=fuzzer,address; without libFuzzer they would not link, so an ordinary
// `swift build` must not see them.
if ProcessInfo.processInfo.environment["HEALTHCAL_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for name in ["FuzzCSV", "FuzzSpec", "FuzzScorecard", "FuzzWeightFile", "FuzzPeriod"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["HealthCal", "FuzzSupport"], path: "Fuzz/\(name)"))
    }
}
