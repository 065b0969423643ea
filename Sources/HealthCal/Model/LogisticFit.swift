import Foundation
import LinearAlgebra

/// Everything a fitted logistic regression reports: the coefficient table, its inference, and
/// the model-fit statistics, with the definitions statsmodels' `Logit` uses.
///
/// Standard errors are the square roots of the diagonal of the inverse Hessian of the penalized
/// negative log-likelihood at the solution. Without a penalty that is the usual observed (=
/// expected) information. With a ridge penalty it is the curvature of the penalized objective,
/// the covariance of the Gaussian approximation to the posterior under a N(0, 1/λ) prior; it is
/// smaller than the sampling variability of the shrunken estimate would suggest and ignores its
/// bias, so z, p-values and intervals under ridge are approximate and labelled as such.
///
/// With `covarianceType == .cluster` the standard errors, z, p-values, intervals and the Wald
/// test use the cluster-robust sandwich on the customer id instead (`ClusterCovariance`), and
/// `modelCovariance` keeps the inverse Hessian.
public struct LogisticFit: Sendable, Codable, Equatable {
    public var names: [String]
    public var coefficients: [Double]
    public var standardErrors: [Double]
    public var zValues: [Double]
    public var pValues: [Double]
    /// 95% Wald intervals, β ± 1.959964 SE.
    public var lower95: [Double]
    public var upper95: [Double]
    public var oddsRatios: [Double]
    /// Covariance of the coefficients the inference uses, p x p column-major: the inverse
    /// Hessian, or the cluster-robust sandwich (`covarianceType`).
    public var covariance: [Double]
    public var covarianceType: CovarianceType
    /// Number of clusters (customers) of a cluster-robust covariance; nil for `.model`.
    public var clusters: Int?
    /// The inverse Hessian when `covariance` is the sandwich (nil: it is `covariance`).
    public var modelCovariance: [Double]?
    /// Wald test that every coefficient but the intercept is 0, with `covariance`:
    /// χ² = β_sᵀ V_ss⁻¹ β_s on `waldDF` df. NaN when V_ss cannot be inverted (fewer clusters
    /// than coefficients).
    public var waldStatistic: Double
    public var waldDF: Int
    public var waldPValue: Double
    /// The inverse Hessian, whichever covariance the inference uses.
    public var hessianInverse: [Double] { modelCovariance ?? covariance }
    public var logLikelihood: Double
    public var nullLogLikelihood: Double
    /// −2 log L (residual deviance for 0/1 outcomes).
    public var deviance: Double
    public var nullDeviance: Double
    /// −2 log L + 2k, k = number of coefficients including the intercept.
    public var aic: Double
    /// −2 log L + k log(n), n = sum of row weights.
    public var bic: Double
    /// 1 − log L / log L₀.
    public var mcFaddenR2: Double
    /// Likelihood-ratio test against the intercept-only model: 2(log L − log L₀) on k − 1 df.
    public var likelihoodRatio: Double
    public var likelihoodRatioDF: Int
    public var likelihoodRatioPValue: Double
    /// Number of data rows, and the sum of row weights (equal without weights).
    public var rows: Int
    public var observations: Double
    public var ridge: Double
    public var iterations: Int
    public var converged: Bool
    public var warnings: [String]
    /// Firth fits only (nil otherwise, and absent from the JSON): log L + ½ log det I(β̂), the
    /// maximized penalized log-likelihood. Then `standardErrors`/`covariance` come from I(β̂)⁻¹,
    /// `lower95`/`upper95` are profile penalized-likelihood intervals, `pValues` penalized
    /// likelihood-ratio tests of β_j = 0, and `likelihoodRatio` the penalized LR test against
    /// the intercept-only model (logistf's definitions).
    public var firthPenalizedLogLikelihood: Double? = nil
    /// Elastic-net fits only (nil otherwise, and absent from the JSON): the L1 penalty λ1
    /// (`ridge` holds λ2). Their standard errors, z, p-values and intervals come from the
    /// curvature of the smooth part, XᵀWX + λ2·I, as for ridge, and ignore the selection the L1
    /// term made: they are not valid after selection, and `warnings` says so.
    public var l1: Double? = nil

    init(names: [String], beta: [Double], hessian: Matrix, logLikelihood: Double, nullLogLikelihood: Double,
         rows: Int, observations: Double, ridge: Double, iterations: Int, converged: Bool,
         warnings: [String], clusterCovariance: (matrix: Matrix, clusters: Int)? = nil) throws {
        let k = beta.count
        let inverseHessian = try Cholesky(hessian).inverse()
        let cov = clusterCovariance?.matrix ?? inverseHessian
        let se = cov.diagonal.map { $0.squareRoot() }
        self.names = names
        coefficients = beta
        standardErrors = se
        zValues = zip(beta, se).map { $0 / $1 }
        pValues = zValues.map(Distributions.twoSidedNormalPValue)
        lower95 = zip(beta, se).map { $0 - Distributions.z975 * $1 }
        upper95 = zip(beta, se).map { $0 + Distributions.z975 * $1 }
        oddsRatios = beta.map { exp($0) }
        covariance = cov.storage
        covarianceType = clusterCovariance == nil ? .model : .cluster
        clusters = clusterCovariance?.clusters
        modelCovariance = clusterCovariance == nil ? nil : inverseHessian.storage
        let slopes = names.first == "const" ? Array(1..<k) : Array(0..<k)
        (waldStatistic, waldDF) = (Self.waldStatistic(beta: beta, covariance: cov, indices: slopes), slopes.count)
        waldPValue = waldStatistic.isFinite
            ? Distributions.chiSquareSurvival(waldStatistic, degreesOfFreedom: Double(waldDF)) : .nan
        self.logLikelihood = logLikelihood
        self.nullLogLikelihood = nullLogLikelihood
        deviance = -2 * logLikelihood
        nullDeviance = -2 * nullLogLikelihood
        aic = -2 * logLikelihood + 2 * Double(k)
        bic = -2 * logLikelihood + log(observations) * Double(k)
        mcFaddenR2 = 1 - logLikelihood / nullLogLikelihood
        likelihoodRatio = 2 * (logLikelihood - nullLogLikelihood)
        likelihoodRatioDF = names.first == "const" ? k - 1 : k
        likelihoodRatioPValue = Distributions.chiSquareSurvival(likelihoodRatio, degreesOfFreedom: Double(likelihoodRatioDF))
        self.rows = rows
        self.observations = observations
        self.ridge = ridge
        self.iterations = iterations
        self.converged = converged
        self.warnings = warnings
    }

    /// β_Iᵀ V_II⁻¹ β_I over `indices` (Cholesky solve); NaN when V_II is not positive definite.
    static func waldStatistic(beta: [Double], covariance v: Matrix, indices: [Int]) -> Double {
        guard !indices.isEmpty else { return .nan }
        var sub = Matrix(rows: indices.count, cols: indices.count)
        for (a, i) in indices.enumerated() { for (b, j) in indices.enumerated() { sub[a, b] = v[i, j] } }
        let b = indices.map { beta[$0] }
        guard let chol = try? Cholesky(sub), let solved = try? chol.solve(b) else { return .nan }
        return zip(b, solved).reduce(0) { $0 + $1.0 * $1.1 }
    }

    enum CodingKeys: String, CodingKey {
        case names, coefficients, standardErrors = "standard_errors", zValues = "z_values", pValues = "p_values"
        case lower95 = "lower_95", upper95 = "upper_95", oddsRatios = "odds_ratios", covariance
        case covarianceType = "covariance_type", clusters, modelCovariance = "model_covariance"
        case waldStatistic = "wald_statistic", waldDF = "wald_df", waldPValue = "wald_p_value"
        case logLikelihood = "log_likelihood", nullLogLikelihood = "null_log_likelihood", deviance
        case nullDeviance = "null_deviance", aic, bic, mcFaddenR2 = "mcfadden_r2"
        case likelihoodRatio = "likelihood_ratio", likelihoodRatioDF = "likelihood_ratio_df"
        case likelihoodRatioPValue = "likelihood_ratio_p_value", rows, observations, ridge, iterations
        case converged, warnings, firthPenalizedLogLikelihood = "firth_penalized_log_likelihood", l1
    }

    /// The coefficient of the column called `name`.
    public func coefficient(_ name: String) -> Double? {
        names.firstIndex(of: name).map { coefficients[$0] }
    }
}
