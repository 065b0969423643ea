import Foundation

extension SampleData {
    /// Writes `panel.csv`, `spec.yaml` and `truth.json` into `directory` (created if needed),
    /// streaming the CSV period by period. The three appear together or not at all
    /// (`OutputFolder`: other files in the folder are kept). Existing files are an error unless
    /// `overwrite` is true. The bytes equal `generate(...)`'s strings.
    @discardableResult
    public static func write(seed: UInt64, customers: Int, periods: Int, directory: String,
                             overwrite: Bool = false) throws(SampleDataError) -> SampleSummary {
        let names: Set<String> = ["panel.csv", "spec.yaml", "truth.json"]
        do {
            let folder = try OutputFolder(directory, owned: names, protected: names, force: overwrite)
            let summary = try folder.write(to: "panel.csv") { emit in
                try simulate(seed: seed, customers: customers, periods: periods, emit: emit)
            }
            try folder.write(specYAML(summary), to: "spec.yaml")
            try folder.write(truthJSON(summary), to: "truth.json")
            try folder.commit()
            return summary
        } catch let error as SampleDataError {
            throw error
        } catch let error as OutputFile.WriteError {
            throw .io(error.description)
        } catch {
            throw .io("\(directory): \(error.localizedDescription)")
        }
    }

    /// The spec for the sample panel: every encoding parameter fixed (no standardization,
    /// constant imputation with an indicator), so the design's columns are the columns the
    /// churn draws were made from and `truth.json`'s weights are on the fitted weights' scale.
    static func specYAML(_ s: SampleSummary) -> String {
        var y = """
            # healthcal spec for the sample panel (seed \(s.seed), \(s.customers) customers, \(s.periods.count) quarters).
            # Encodings are fixed, not fitted: no standardization, constant imputation with a missing
            # indicator. So the fitted weights are directly comparable with truth.json (docs/sample-data.md).
            # For your own data, standardize (the default) to compare the weights' sizes with each other.
            version: 1
            data:
              id: customer_id
              period: period
              period_format: quarter
              outcome: churned
              segment: segment
            features:

            """
        for f in SampleModel.features {
            y += "  - name: \(f.name)\n    type: \(f.kind.rawValue)\n    group: \(f.group)\n"
            switch f.kind {
            case .numeric:
                if f.transform == .log1p { y += "    transform: log1p\n" }
                if let v = f.imputeValue {
                    y += "    impute: constant\n    impute_value: \(v)\n    missing_indicator: true\n"
                }
                y += "    standardize: false\n"
            case .categorical:
                y += "    reference: basic\n"
            case .boolean:
                break
            }
        }
        y += """
            model:
              ridge: 0.5             # a rare missing indicator with no churner in an early backtest fold would
                                     # otherwise separate; 0.5 barely moves weights fitted on thousands of rows
            backtest:
              horizon: 1
              min_train_periods: 4
            calibration:
              method: platt
            bands:
              scheme: quantile
              gate:                  # no invoice sent this quarter: the riskiest band whatever the score
                column: invoice_sent
                min: 1

            """
        return y
    }

    /// The truth: true weights under the design's column names, the generating constants, and
    /// the planted customers. Written by hand (fixed key order, shortest round-trip numbers) so
    /// the file is byte-identical everywhere.
    static func truthJSON(_ s: SampleSummary) -> String {
        func q(_ t: String) -> String { "\"\(t)\"" }
        func list(_ items: [String], indent: String) -> String {
            items.isEmpty ? "[]" : "[\n" + items.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n\(indent)]"
        }
        let weights = s.trueWeights.map { "\(q($0.name)): \($0.weight)" }
        let segments = SampleModel.segments.map {
            "{\"name\": \(q($0.name)), \"share\": \($0.share), \"health_mean\": \($0.healthMean), \"seats_log_mean\": \($0.seatsLogMean)}"
        }
        let imputes = SampleModel.features.compactMap { f in f.imputeValue.map { "\(q(f.name)): \($0)" } }
        let transforms = SampleModel.features.filter { $0.transform == .log1p }.map { q($0.name) }
        return """
            {
              "generator": "healthcal sample-data",
              "seed": \(s.seed),
              "customers": \(s.customers),
              "periods": \(list(s.periods.map(q), indent: "  ")),
              "rows": \(s.rows),
              "churned_rows": \(s.churnedRows),
              "model": "P(churned) = sigmoid(sum of weight x encoded value); encoded as spec.yaml does: log1p for the transformed features, no standardization, a missing cell becomes its impute value with its indicator 1, plan one-hot against basic",
              "weights": {
            \(weights.map { "    " + $0 }.joined(separator: ",\n"))
              },
              "log1p_features": [\(transforms.joined(separator: ", "))],
              "impute_values": {\(imputes.joined(separator: ", "))},
              "health_persistence": \(SampleModel.persistence),
              "segments": \(list(segments, indent: "  ")),
              "planted_false_healthy": \(list(s.plantedFalseHealthy.map { q($0.id) }, indent: "  ")),
              "planted_false_healthy_churn_period": {\(s.plantedFalseHealthy.map { "\(q($0.id)): \(q($0.period))" }.joined(separator: ", "))},
              "planted_persistent_red": \(list(s.plantedPersistentRed.map(q), indent: "  "))
            }

            """
    }
}
