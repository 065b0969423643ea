import Foundation

/// The fit of a spec'd panel with optional per-segment models (`model.per_segment: true`): the
/// pooled model on every given row (the fallback), plus one model per segment that has enough
/// training data, each with its own encoding fitted on that segment's rows (so its
/// standardization, clip bounds, imputed values and levels describe the segment).
///
/// A segment gets its own model when its training rows number at least `model.min_segment_rows`
/// and hold at least `minimumClassCount` churners and as many non-churners (row-weighted sums
/// when the panel has weights). A segment below that bar, or whose own fit fails (separation, a
/// feature constant within the segment, no convergence, ...), is scored by the pooled model and
/// `fallbacks` says why; a segment never fails the run. With `per_segment: false` or no segment
/// column this is exactly `SpecFit.run` (no segment models).
public struct SegmentedFit: Sendable {
    /// The pooled model, fitted on all given rows: scores rows of segments without their own.
    public var pooled: SpecFit
    /// Segment name → its own model.
    public var segments: [String: SpecFit]
    /// Segment name → why it uses the pooled model (only when per-segment models were asked for).
    public var fallbacks: [String: String]

    /// Churners and non-churners a segment needs for its own model (each, weighted).
    public static let minimumClassCount = 20.0

    public init(pooled: SpecFit, segments: [String: SpecFit] = [:], fallbacks: [String: String] = [:]) {
        self.pooled = pooled
        self.segments = segments
        self.fallbacks = fallbacks
    }

    /// Fits on `rows` of `panel` (all rows when nil). `ridge` overrides the spec's `model.ridge`.
    /// Only the pooled fit can throw; a segment's failure becomes a fallback.
    /// `warmStart` starts the pooled fit's Newton iterations (see `SpecFit.run`).
    /// `storage` holds the pooled design's elements (see `DesignStorage`); `previous` and
    /// `finalHessian` apply to the pooled fit.
    public static func run(panel: Panel, rows: [Int]? = nil, ridge: Double? = nil, warmStart: LogisticFit? = nil,
                           previous: PreviousFold? = nil, storage: DesignStorage? = nil,
                           finalHessian: FinalHessian = .exact) throws -> SegmentedFit {
        let rows = rows ?? Array(0..<panel.rowCount)
        let pooled = try SpecFit.run(panel: panel, rows: rows, ridge: ridge, warmStart: warmStart, previous: previous,
                                     storage: storage, finalHessian: finalHessian)
        let model = panel.spec.model
        guard model.perSegment, !panel.segmentNames.isEmpty else { return SegmentedFit(pooled: pooled) }

        var rowsOfSegment = [[Int]](repeating: [], count: panel.segmentNames.count)
        for r in rows { rowsOfSegment[Int(panel.segmentCodes[r])].append(r) }
        var segments: [String: SpecFit] = [:], fallbacks: [String: String] = [:]
        for (s, name) in panel.segmentNames.enumerated() {
            let segmentRows = rowsOfSegment[s]
            var churners = 0.0, stayers = 0.0
            for r in segmentRows {
                let w = panel.weights?[r] ?? 1
                if panel.outcome[r] == 1 { churners += w } else { stayers += w }
            }
            if let why = tooSmall(rows: segmentRows.count, churners: churners, stayers: stayers, weighted: panel.hasWeights, model: model) {
                fallbacks[name] = why
                continue
            }
            switch fitted({ try SpecFit.run(panel: panel, rows: segmentRows, ridge: ridge) }) {
            case .success(let fit): segments[name] = fit
            case .failure(let why): fallbacks[name] = why.description
            }
        }
        return SegmentedFit(pooled: pooled, segments: segments, fallbacks: fallbacks)
    }

    /// Why a segment with these training rows and (weighted) class sums gets no model of its
    /// own; nil when it may have one. One rule for the in-memory and the in-database fits.
    static func tooSmall(rows: Int, churners: Double, stayers: Double, weighted: Bool, model: ModelOptions) -> String? {
        if rows < model.minSegmentRows {
            return "\(rows) training rows, fewer than min_segment_rows \(model.minSegmentRows)"
        }
        if churners < minimumClassCount || stayers < minimumClassCount {
            return "\(formatNumber(churners)) churners and \(formatNumber(stayers)) non-churners\(weighted ? " (weighted)" : "") in training; a segment model needs at least \(Int(minimumClassCount)) of each"
        }
        return nil
    }

    /// Why a segment uses the pooled model.
    struct Fallback: Error, CustomStringConvertible { var description: String }

    /// A segment's own fit, or why it falls back to the pooled model (the fit failed, gave a
    /// non-finite weight or did not converge).
    static func fitted(_ fit: () throws -> SpecFit) -> Result<SpecFit, Fallback> {
        do {
            let fit = try fit()
            if let bad = fit.fit.coefficients.firstIndex(where: { !$0.isFinite }) {
                return .failure(Fallback(description: "its fit gave a non-finite weight for \"\(fit.fit.names[bad])\""))
            }
            if !fit.fit.converged {
                return .failure(Fallback(description: "its fit did not converge in \(fit.fit.iterations) iterations"))
            }
            return .success(fit)
        } catch let error as DataValidationError {
            return .failure(Fallback(description: "its fit failed on the segment's rows: " + error.problems.map(\.description).joined(separator: "; ")))
        } catch {
            return .failure(Fallback(description: "its fit failed on the segment's rows: \(error)"))
        }
    }

    /// The model that scores rows of `segment`: its own, else the pooled one.
    public func model(forSegment segment: String?) -> SpecFit {
        segment.flatMap { segments[$0] } ?? pooled
    }

    /// One line per fallback segment, in name order ("segment \"smb\" uses the pooled model: ...").
    public var notes: [String] {
        fallbacks.keys.sorted().compactMap { name in
            fallbacks[name].map { "segment \"\(name)\" uses the pooled model: \($0)" }
        }
    }

    /// The linear predictor (raw fitted coefficients, no calibration) of each of `rows`, each
    /// from its segment's model, else the pooled one; in the order of `rows`. Each model's rows
    /// are encoded with that model's encoding and multiplied in one BLAS product. Without
    /// segment models this is the pooled design times the pooled coefficients, exactly.
    /// `storage`, when given, holds the pooled design's elements and gets them back.
    public func linearPredictor(panel: Panel, rows: [Int], storage: DesignStorage? = nil) throws -> [Double] {
        if segments.isEmpty {
            guard let storage else { return try pooled.encoding.design(panel, rows: rows).x.multiply(pooled.fit.coefficients) }
            var design = try pooled.encoding.designAndMeans(panel, rows: rows, storage: storage).design
            defer { storage.giveBack(design.releaseStorage()) }
            return try design.x.multiply(pooled.fit.coefficients)
        }
        var positionsOfModel: [String?: [Int]] = [:]
        for (i, r) in rows.enumerated() {
            let s = panel.segment(ofRow: r)
            positionsOfModel[s.flatMap { segments[$0] == nil ? nil : $0 }, default: []].append(i)
        }
        var eta = [Double](repeating: 0, count: rows.count)
        for (key, positions) in positionsOfModel {
            let m = model(forSegment: key)
            let lp = try m.encoding.design(panel, rows: positions.map { rows[$0] }).x.multiply(m.fit.coefficients)
            for (k, i) in positions.enumerated() { eta[i] = lp[k] }
        }
        return eta
    }
}
