/// Efron–Gong optimism of the final model (`--validate B`, docs/metrics.md "Optimism"), as
/// rms's `validate`: how much better the model looks on the rows it was fitted on than on new
/// customers, estimated by refitting on customer resamples.
public struct OptimismReport: Sendable, Codable, Equatable {
    /// One figure: `corrected` = `apparent` − `optimism`, where `optimism` is the mean over the
    /// refits of (figure on the refit's own resample − figure of the refit on all rows).
    public struct Figure: Sendable, Codable, Equatable {
        /// The final model on the rows it was fitted on.
        public var apparent: Double
        /// Mean over refits of the figure on the refit's resample ("training" in rms).
        public var training: Double
        /// Mean over refits of the figure on all rows ("test" in rms).
        public var test: Double
        public var optimism: Double
        public var corrected: Double
        /// Refits on which the figure was defined.
        public var resamples: Int
    }

    /// Refits asked for, and the ones that ran to an optimum (a resample can separate).
    public var resamples: Int
    public var fitted: Int
    public var seed: UInt64?
    /// The file the resamples were read from (test hook), when not drawn from a seed.
    public var resampleFile: String?
    public var customers: Int
    public var rows: Int
    /// Figure name -> figure: `auc`, `dxy` (Somers' Dxy = 2·AUC − 1), `calibration_slope`,
    /// `calibration_intercept` (logistic recalibration of the outcome on the model's log-odds),
    /// `brier`.
    public var figures: [String: Figure]
    /// Why refits failed (first few reasons, shortened).
    public var notes: [String]

    public static let figureOrder = ["auc", "dxy", "calibration_slope", "calibration_intercept", "brier"]
    public static let resampledDescription = "customers drawn with replacement, each bringing all its rows; the encodings and the weights refitted on each resample; each refit scored on its own resample and on all rows (the model's own probabilities, before the out-of-sample calibration)"

    enum CodingKeys: String, CodingKey {
        case resamples, fitted, seed, resampleFile = "resample_file", customers, rows, figures, notes
    }
}
