import Foundation

extension WeightFile {
    /// `metadata.penalty`, written only for an elastic-net fit (`model.penalty` with l1 > 0, or
    /// `model.select: path`): the penalties the pooled model was fitted with and, with
    /// `select: path`, how λ was chosen and the path's summary. Optional and additive: files
    /// without it load and export exactly as before. Zero weights are ordinary weights of 0 in
    /// `model`, so every scorer and export needs nothing from here.
    public struct PenaltyRecord: Sendable, Equatable, Codable {
        public var l1: Double
        public var l2: Double
        /// `select: path` only.
        public var selection: SelectionSummary?

        public struct SelectionSummary: Sendable, Equatable, Codable {
            /// The L1 share; `lambda` is the chosen λ (λ_1se): l1 = alpha·λ, l2 = (1 − alpha)·λ.
            public var alpha: Double
            public var lambda: Double
            public var lambdaMin: Double
            public var lambda1SE: Double
            /// The grid, the backtest's mean out-of-sample deviance per row and its SE across
            /// folds, and the number of non-zero weights on all training rows, per λ.
            public var lambdas: [Double]
            public var meanDeviance: [Double]
            public var devianceSE: [Double]
            public var nonZero: [Int]
            public var folds: [String]
            /// The columns whose weight is 0 at `lambda`.
            public var dropped: [String]

            enum CodingKeys: String, CodingKey {
                case alpha, lambda, lambdaMin = "lambda_min", lambda1SE = "lambda_1se", lambdas
                case meanDeviance = "mean_deviance", devianceSE = "deviance_se", nonZero = "non_zero", folds, dropped
            }
        }

        /// The record of a fit, nil for a fit without an L1 term or selection.
        public init?(_ fit: SpecFit) {
            guard fit.fit.l1 != nil || fit.selection != nil else { return nil }
            l1 = fit.fit.l1 ?? 0
            l2 = fit.fit.ridge
            selection = fit.selection.map { s in
                SelectionSummary(alpha: s.path.alpha, lambda: s.lambda, lambdaMin: s.lambdaMin, lambda1SE: s.lambda1SE,
                                 lambdas: s.path.lambdas, meanDeviance: s.meanDeviance, devianceSE: s.devianceSE,
                                 nonZero: s.path.nonZeroCounts, folds: s.foldLabels, dropped: s.droppedColumns)
            }
        }
    }
}
