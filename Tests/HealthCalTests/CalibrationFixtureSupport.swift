import Foundation

/// Reference values written by `Fixtures/make_calibration_fixtures.py` (scikit-learn,
/// statsmodels, numpy).
struct CalibrationReference: Decodable, Sendable {
    var versions: [String: String]
    var platt: [PlattCase]
    var champion: [ChampionCase]

    struct PlattCase: Decodable, Sendable {
        var name: String
        var p: [Double]
        var y: [Double]
        var w: [Double]?
        var plattA: Double
        var plattB: Double
        var interceptA: Double
    }
    struct Capture: Decodable, Sendable {
        var bandShare: Double
        var churnerShare: Double
        var bandChurnRate: Double
    }
    struct ChampionCase: Decodable, Sendable {
        var name: String
        var champion: [Double]
        var challenger: [Double]
        var y: [Double]
        var w: [Double]?
        var champAuc: Double, champBrier: Double, champLogLoss: Double, champCapture: Capture
        var challAuc: Double, challBrier: Double, challLogLoss: Double, challCapture: Capture
    }

    static func load() throws -> CalibrationReference {
        guard let url = Bundle.module.url(forResource: "calibration_reference", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(CalibrationReference.self, from: Data(contentsOf: url))
    }

    static let shared: Result<CalibrationReference, any Error> = Result { try load() }
}
