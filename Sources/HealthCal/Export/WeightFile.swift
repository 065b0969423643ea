import Foundation

/// The versioned weight file (format "healthcal-weights", version 1): everything a production
/// scorer in any language needs to reproduce healthcal's churn probabilities, health scores and
/// bands. Every field is documented in docs/weight-file.md; the JSON Schema is
/// docs/weight-file.schema.json.
///
/// Scoring a row: encode it with `encoding` (docs/encodings.md), η = `model.intercept` +
/// Σ `model.weights[j]` · x[j], p = sigmoid(η); when `calibration_folded` is false (isotonic)
/// p is then mapped through the `calibration` table. The weights already include a Platt or
/// intercept calibration (`raw_*` are the weights before it). Health score = 100 · (1 − p).
///
/// Nothing in the file depends on the time or machine of the run: the same inputs give
/// byte-identical files (`data()` sorts keys).
public struct WeightFile: Sendable, Equatable, Codable {
    public static let formatName = "healthcal-weights"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// The fitted encoding, verbatim: features, design column names ("const" first) and
    /// contribution means.
    public var encoding: FittedEncoding
    /// The pooled model.
    public var model: LinearModel
    /// The panel column holding the segment, when per-segment models or thresholds exist.
    public var segmentColumn: String?
    /// Optional per-segment models. A row whose segment is not listed here (or that has no
    /// segment) is scored with the pooled `model`.
    public var segments: [String: LinearModel]?
    /// The calibration map estimated out of sample.
    public var calibration: CalibrationMap
    /// True when `calibration` is already folded into every model's `intercept` and `weights`
    /// (platt, intercept, none): the scorer applies nothing after the sigmoid. False for isotonic:
    /// the weights are the raw ones and the scorer applies the table to sigmoid(η).
    public var calibrationFolded: Bool
    public var healthScore: HealthScoreMapping
    /// Band thresholds (probabilities), per segment, and the gate; absent when not derived.
    public var bands: BandAssignment?
    public var metadata: Metadata
    /// The training window's reference bins for `healthcal drift` (population stability); absent
    /// in files written before it, which then cannot be used for drift.
    public var drift: DriftReference? = nil

    enum CodingKeys: String, CodingKey {
        case format, version, encoding, model, segmentColumn = "segment_column", segments, calibration,
             calibrationFolded = "calibration_folded", healthScore = "health_score", bands, metadata, drift
    }

    /// One linear model on the encoded columns.
    public struct LinearModel: Sendable, Equatable, Codable {
        /// Encoded column names, aligned with `weights` ("const" excluded: it is `intercept`).
        public var columns: [String]
        /// What the scorer uses: calibration folded in (see `calibration_folded`).
        public var intercept: Double
        public var weights: [Double]
        /// The fitted coefficients before calibration.
        public var rawIntercept: Double
        public var rawWeights: [Double]
        /// Standard deviation, over the training rows, of each feature's contribution
        /// Σⱼ weightⱼ · xⱼ (final weights, log-odds); used by the scorecard's spread shares.
        public var contributionSDs: [String: Double]?
        /// The segment's own encoding; nil: the file's top-level `encoding`.
        public var encoding: FittedEncoding?

        enum CodingKeys: String, CodingKey {
            case columns, intercept, weights, rawIntercept = "raw_intercept", rawWeights = "raw_weights",
                 contributionSDs = "contribution_sds", encoding
        }
    }

    /// Health score = scale · (1 − p).
    public struct HealthScoreMapping: Sendable, Equatable, Codable {
        public var scale: Double = 100
        public var formula: String = "health_score = 100 * (1 - p)"
        public init() {}
    }

    /// A database the panel was read from: never the user or the password.
    public struct DataSource: Sendable, Equatable, Codable {
        /// "postgresql".
        public var kind: String
        public var host: String
        public var port: Int
        public var database: String
        /// The table, or nil when the rows came from a query (then `query` is true).
        public var table: String?
        public var query: Bool?

        public init(kind: String, host: String, port: Int, database: String, table: String?, query: Bool?) {
            self.kind = kind
            self.host = host
            self.port = port
            self.database = database
            self.table = table
            self.query = query
        }
    }

    public struct Metadata: Sendable, Equatable, Codable {
        /// Labels of the periods the model was trained on (empty for a snapshot).
        public var trainingPeriods: [String]
        public var rows: Int
        /// Share of training rows that churned (row-weighted when the panel has weights).
        public var churnRate: Double
        /// SHA-256 of the training CSV's bytes, lowercase hex.
        public var inputSHA256: String
        public var spec: Spec
        public var toolVersion: String
        /// Headline backtest metrics, name → value (e.g. "auc", "log_loss").
        public var metrics: [String: Double]?
        /// Where the panel was read from, for a database source (absent for a CSV file).
        public var source: DataSource?
        /// Which covariance the pooled model's standard errors used. Optional and additive: files
        /// written before it was added have none and load and export exactly as before.
        public var covariance: CovarianceRecord?
        /// The elastic net's penalties and λ selection (`PenaltyRecord`); absent otherwise.
        public var penalty: PenaltyRecord?

        enum CodingKeys: String, CodingKey {
            case trainingPeriods = "training_periods", rows, churnRate = "churn_rate", inputSHA256 = "input_sha256",
                 spec, toolVersion = "tool_version", metrics, source, covariance, penalty
        }

        public init(trainingPeriods: [String], rows: Int, churnRate: Double, inputSHA256: String, spec: Spec,
                    toolVersion: String = HealthCalVersion.current, metrics: [String: Double]? = nil) {
            self.trainingPeriods = trainingPeriods
            self.rows = rows
            self.churnRate = churnRate
            self.inputSHA256 = inputSHA256
            self.spec = spec
            self.toolVersion = toolVersion
            self.metrics = metrics
        }
    }

    /// `metadata.covariance`: `{"type": "cluster", "cluster_column": "customer_id", "clusters": 2000}`
    /// or `{"type": "model"}`.
    public struct CovarianceRecord: Sendable, Equatable, Codable {
        public var type: CovarianceType
        /// The id column the clusters are its values of (`cluster` only).
        public var clusterColumn: String?
        public var clusters: Int?

        public init(type: CovarianceType, clusterColumn: String? = nil, clusters: Int? = nil) {
            self.type = type
            self.clusterColumn = clusterColumn
            self.clusters = clusters
        }

        /// What `fit` used; `idColumn` names the clusters.
        public init(fit: LogisticFit, idColumn: String) {
            self.init(type: fit.covarianceType, clusterColumn: fit.covarianceType == .cluster ? idColumn : nil,
                      clusters: fit.clusters)
        }

        enum CodingKeys: String, CodingKey { case type, clusterColumn = "cluster_column", clusters }
    }

    /// The model that scores a row of `segment`.
    public func model(forSegment segment: String?) -> (name: String?, model: LinearModel, encoding: FittedEncoding) {
        if let segment, let m = segments?[segment] { return (segment, m, m.encoding ?? encoding) }
        return (nil, model, encoding)
    }

    /// The most features any of the file's models explains a score with: how many contributions
    /// a scored row can list (`score --top` is capped at it).
    public var featureCount: Int {
        ([encoding] + (segments ?? [:]).values.compactMap(\.encoding)).map(\.features.count).max() ?? 0
    }

    /// The file's bytes: sorted keys, pretty-printed, trailing newline.
    public func data() throws(WeightFileError) -> Data {
        do { return Data(try JSONOutput.string(self).utf8) } catch {
            throw .invalid("cannot encode the weight file: \(error)")
        }
    }
}

/// Why a weight file could not be built or read.
public enum WeightFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notJSON(path: String, reason: String)
    case wrongFormat(path: String, found: String?)
    case unsupportedVersion(path: String, found: Int?)
    case missingKey(path: String, key: String)
    /// A file written before weight files stored drift references, used for `healthcal drift`.
    case noDriftReference(path: String)
    case badValue(path: String, key: String, reason: String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .noDriftReference(path):
            "\(path.shownInMessage) has no drift reference (no \"drift\" key): it was written before weight files stored the training window's bins; re-run `healthcal recalibrate` on the training panel to write a weight file that has them"
        case let .unreadable(_, reason): "cannot read the weight file: \(reason)"
        case let .notJSON(path, reason): "\(path) is not a JSON weight file: \(reason)"
        case let .wrongFormat(path, found):
            "\(path) is not a healthcal weight file: \"format\" is \(found.map { "\"\($0.shownInMessage)\"" } ?? "missing"); expected \"\(WeightFile.formatName)\""
        case let .unsupportedVersion(path, found):
            "\(path): weight file version \(found.map(String.init) ?? "missing") is not supported by healthcal \(HealthCalVersion.current) (reads version \(WeightFile.currentVersion))"
        case let .missingKey(path, key): "\(path): the weight file has no \"\(key.shownInMessage)\""
        case let .badValue(path, key, reason): "\(path): \"\(key.shownInMessage)\": \(reason)"
        case let .invalid(message): message
        }
    }
}
