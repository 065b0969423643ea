// swift-tools-version:6.0
// Benchmarks live apart from the tests: `swift build -c release --package-path Benchmarks`,
// then `Benchmarks/.build/release/hcbench <stage> ...`. Figures go to BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "hcbench",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "healthcal", path: "..")],
    targets: [
        .executableTarget(
            name: "hcbench",
            dependencies: [.product(name: "HealthCal", package: "healthcal"), .product(name: "LinearAlgebra", package: "healthcal")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
