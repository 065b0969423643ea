import Foundation
import Testing

/// The reference values written by `Fixtures/make_metrics_fixtures.py` (scikit-learn,
/// statsmodels, and numpy definitions written independently of the Swift code).
struct MetricsReference: Decodable, Sendable {
    var versions: [String: String]
    var logLossEps: Double
    var cases: [Case]

    struct Case: Decodable, Sendable {
        var name: String
        var p: [Double]
        var y: [Double]
        var w: [Double]?
        var p2: [Double]
        var rocAuc: Double
        var rocFpr: [Double]
        var rocTpr: [Double]
        var rocThresholdsAfterInf: [Double]
        var averagePrecision: Double
        var logLoss: Double
        var brier: Double
        var calibrationUniform10: Reliability
        var calibrationQuantile10: Reliability
        var calibrationQuantile5: Reliability
        var murphyUniform10: Murphy
        var isotonic: Isotonic
        var glm: GLM?
        var hosmerLemeshow: HL
        var topDecile: Lift
        var delong: DeLongRef?
    }
    struct Reliability: Decodable, Sendable {
        var probTrue: [Double]
        var probPred: [Double]
        var count: [Int]
        var weight: [Double]
        var ece: Double
        var sklearnProbTrue: [Double]?
        var sklearnProbPred: [Double]?
    }
    struct Murphy: Decodable, Sendable {
        var reliability, resolution, uncertainty, withinBinVariance, withinBinCovariance: Double
    }
    struct Isotonic: Decodable, Sendable {
        var xThresholds, yThresholds, grid, predictions: [Double]
    }
    struct GLM: Decodable, Sendable {
        var coxIntercept, coxSlope, coxInterceptSe, coxSlopeSe, citlLogistic, citlLogisticSe, citlDifference: Double
    }
    struct HL: Decodable, Sendable {
        var statistic: Double
        var df: Int
        var pValue: Double
    }
    struct Lift: Decodable, Sendable {
        var topRate, overallRate, lift: Double
    }
    struct DeLongRef: Decodable, Sendable {
        var auc1, auc2, var1, var2, cov12, se1, lower1, upper1, difference, seDifference, z, pValue: Double
    }

    static func load() throws -> MetricsReference {
        guard let url = Bundle.module.url(forResource: "metrics_reference", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(MetricsReference.self, from: Data(contentsOf: url))
    }

    static let shared: Result<MetricsReference, any Error> = Result { try load() }

    static func named(_ name: String) throws -> Case {
        let ref = try shared.get()
        return try #require(ref.cases.first { $0.name == name })
    }

    static let caseNames = ["small", "ties", "ties_weighted", "weighted", "large"]
    static let unweightedCaseNames = ["small", "ties", "large"]
}
