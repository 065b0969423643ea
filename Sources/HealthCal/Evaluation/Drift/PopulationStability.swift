import Foundation

/// The population stability index (PSI) between a reference distribution and an actual one
/// over the same bins:
///
///   PSI = Σ_k (a_k − e_k) · ln(a_k / e_k),
///
/// e_k and a_k the shares of reference and actual rows in bin k (missing values in their own
/// bin). A share of 0 on one side is replaced by `epsilon` (1e-4) in that bin's term, so an
/// emptied or new bin counts heavily but finitely; a bin empty on both sides adds nothing.
///
/// The conventional reading of credit-risk scorecard practice, a convention and not a test
/// (no sampling distribution is implied): below 0.1 stable, 0.1–0.25 some shift, above 0.25 a
/// major shift.
public enum PopulationStability {
    public static let epsilon = 1e-4
    public static let someShift = 0.1
    public static let majorShift = 0.25
    public static let convention = "PSI below 0.1: stable; 0.1 to 0.25: some shift; above 0.25: major shift (a convention of scorecard practice, not a statistical test)"

    /// Each bin's term (a − e)·ln(a/e) with the epsilon rule; the PSI is their sum.
    public static func contributions(expected e: [Double], actual a: [Double]) -> [Double] {
        zip(e, a).map { e, a in
            if e == 0 && a == 0 { return 0 }
            let ee = max(e, epsilon), aa = max(a, epsilon)
            return (aa - ee) * log(aa / ee)
        }
    }

    public static func index(expected: [Double], actual: [Double]) -> Double {
        contributions(expected: expected, actual: actual).reduce(0, +)
    }

    public static func reading(_ psi: Double) -> String {
        psi < someShift ? "stable" : psi <= majorShift ? "some shift" : "major shift"
    }
}

/// What `healthcal drift`, metrics.json and the report hold for one variable in one period.
public struct DriftCell: Sendable, Codable, Equatable {
    public struct Bin: Sendable, Codable, Equatable {
        public var bin: String
        public var expected: Double
        public var actual: Double
        public var contribution: Double
    }
    public var period: String
    public var rows: Int
    public var psi: Double
    public var reading: String
    public var bins: [Bin]

    /// The cell of `counts` (rows per bin of `reference`'s bins) against the reference.
    public init(period: String, counts: [Int], reference: StabilityReference) {
        let n = counts.reduce(0, +)
        let actual = counts.map { n > 0 ? Double($0) / Double(n) : 0 }
        let terms = PopulationStability.contributions(expected: reference.shares, actual: actual)
        self.period = period
        rows = n
        psi = terms.reduce(0, +)
        reading = PopulationStability.reading(psi)
        bins = zip(reference.labels, zip(reference.shares, zip(actual, terms))).map {
            Bin(bin: $0.0, expected: $0.1.0, actual: $0.1.1.0, contribution: $0.1.1.1)
        }
    }
}

/// One variable (a metric, or the score) across periods.
public struct DriftVariable: Sendable, Codable, Equatable {
    public var name: String
    /// "score" or "metric".
    public var kind: String
    public var periods: [DriftCell]
}

/// The drift section of metrics.json and the output of `healthcal drift`.
public struct DriftReport: Sendable, Codable, Equatable {
    /// The periods of the reference window ("all rows" in a snapshot).
    public var referencePeriods: [String]
    public var referenceRows: Int
    public var epsilon: Double
    public var convention: String
    public var binning: String
    /// The score first, then the metrics in spec order.
    public var variables: [DriftVariable]
    /// "metric (period): PSI" for every cell above 0.25.
    public var majorShifts: [String]

    public static let binningRule = "decile bins of the reference window (numpy linear quantiles at 0.1..0.9, duplicate cut points dropped; a value equal to a cut point goes to the lower bin); categorical metrics: one bin per reference level plus 'other'; missing values in their own bin; the score is the calibrated churn probability of the final model"

    enum CodingKeys: String, CodingKey {
        case referencePeriods = "reference_periods", referenceRows = "reference_rows", epsilon, convention, binning
        case variables, majorShifts = "major_shifts"
    }

    public init(referencePeriods: [String], referenceRows: Int, variables: [DriftVariable]) {
        self.referencePeriods = referencePeriods
        self.referenceRows = referenceRows
        epsilon = PopulationStability.epsilon
        convention = PopulationStability.convention
        binning = Self.binningRule
        self.variables = variables
        majorShifts = variables.flatMap { v in
            v.periods.filter { $0.psi > PopulationStability.majorShift }.map { "\(v.name) (\($0.period)): \(formatNumber(($0.psi * 1000).rounded() / 1000))" }
        }
    }
}
