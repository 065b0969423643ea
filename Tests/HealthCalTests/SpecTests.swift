import Testing
@testable import HealthCal

@Suite("Spec")
struct SpecTests {
    static let minimal = """
        data:
          id: customer_id
          outcome: churned
        features:
          - name: logins_30d
            type: numeric
        """

    func issues(_ yaml: String) -> SpecError? {
        do {
            _ = try Spec.parse(yaml: yaml, file: "specs/churn.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsFillEverythingElse() throws {
        let s = try Spec.parse(yaml: Self.minimal)
        #expect(s.version == 1)
        #expect(s.data.period == nil && s.data.periodFormat == .auto && s.data.delimiter == ",")
        #expect(s.data.missing == ["", "NA", "N/A", "null", "NaN"])
        #expect(s.model == ModelOptions(ridge: 0, perSegment: false, minSegmentRows: 500, maxIterations: 100))
        #expect(s.backtest == BacktestOptions())
        #expect(s.backtest.horizon == 1 && s.backtest.minTrainPeriods == 4 && s.backtest.folds == 5)
        #expect(s.calibration.method == .platt)
        #expect(s.bands.scheme == .quantile && s.bands.quantile.map(\.share) == [0.25, 0.5, 0.25])
        #expect(s.bands.fixed.map(\.minScore) == [0, 40, 60, 80])
        #expect(s.flags == FlagOptions(persistentPeriods: 3, scoreDrop: 15, topFeatures: 3))
        let f = s.features[0]
        #expect(f.effectiveImpute == .median && f.effectiveStandardize && f.effectiveMissingIndicator == .auto)
        #expect(f.effectiveTransform == .none)
    }

    @Test func readsTheDocumentedExample() throws {
        let yaml = """
            version: 1
            data:
              id: customer_id
              period: period
              period_format: quarter
              outcome: churned
              segment: segment
              weight: weight
              delimiter: ";"
              missing: ["", "NA"]
            features:
              - {name: logins_30d, type: numeric, group: engagement, transform: log1p, clip: [0, 1000], winsorize: [0.01, 0.99], impute: median, missing_indicator: auto, standardize: true}
              - {name: plan, type: categorical, reference: basic, min_count: 20, unseen: reference}
              - {name: has_sso, type: boolean}
              - {name: nps, type: numeric, impute: constant, impute_value: 0, missing_indicator: false}
            model: {ridge: 0.5, per_segment: true, min_segment_rows: 300, max_iterations: 50}
            backtest: {horizon: 2, min_train_periods: 3, window: rolling, window_periods: 6, test_periods: 4, folds: 3}
            calibration: {method: isotonic}
            bands:
              scheme: fixed
              reference_period: 2025Q3
              fixed:
                - {name: red, color: red, min_score: 0}
                - {name: green, color: green, min_score: 70}
              per_segment:
                enterprise:
                  - {name: red, min_score: 0}
                  - {name: green, min_score: 60}
              gate: {column: invoices_sent, min: 1}
            flags: {persistent_periods: 2, score_drop: 10, top_features: 5}
            """
        let s = try Spec.parse(yaml: yaml)
        #expect(s.data.periodFormat == .quarter && s.data.weight == "weight" && s.data.delimiter == ";")
        #expect(s.features[0].clip == [0, 1000] && s.features[0].winsorize == [0.01, 0.99] && s.features[0].transform == .log1p)
        #expect(s.features[1].reference == "basic" && s.features[1].effectiveMinCount == 20)
        #expect(s.features[2].effectiveImpute == .mode && !s.features[2].effectiveStandardize)
        #expect(s.features[3].missingIndicator == .never && s.features[3].imputeValue == 0)
        #expect(s.model.ridge == 0.5 && s.backtest.window == .rolling && s.calibration.method == .isotonic)
        #expect(s.bands.perSegment["enterprise"]?.map(\.minScore) == [0, 60])
        #expect(s.bands.gate == BandOptions.Gate(column: "invoices_sent", min: 1))
        #expect(s.flags.topFeatures == 5)
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let yaml = Self.minimal + "\n  - {name: a, type: numeric}\n  - name: b\n    type: numeric\n    standardise: false\n"
        let e = try #require(issues(yaml))
        #expect(e.file == "specs/churn.yaml")
        #expect(e.issues.count == 1)
        #expect(e.issues[0].message == "unknown key 'standardise' in features[2]; did you mean 'standardize'?")
        #expect(e.issues[0].line == 10)
        #expect(e.description.contains("specs/churn.yaml:10: unknown key 'standardise'"))
    }

    @Test func unknownTopLevelAndEnumValues() throws {
        let yaml = Self.minimal + "\ncalibraton: {method: platt}\nbands: {scheme: quantle}\n"
        let e = try #require(issues(yaml))
        let messages = e.issues.map(\.message)
        #expect(messages.contains("unknown key 'calibraton' at the top level; did you mean 'calibration'?"))
        #expect(messages.contains { $0.contains("unknown value 'quantle' for bands.scheme") && $0.contains("did you mean 'quantile'?") })
    }

    @Test func sharesMustSumToOne() throws {
        let yaml = Self.minimal + """

            bands:
              quantile:
                - {name: red, share: 0.3}
                - {name: green, share: 0.6}
            """
        let e = try #require(issues(yaml))
        #expect(e.issues.map(\.key) == ["bands.quantile"])
        #expect(e.issues[0].message.contains("shares must sum to 1; they sum to 0.9"))
        #expect(e.issues[0].line != nil)
    }

    @Test func fixedBandsMustBeOrdered() throws {
        let yaml = Self.minimal + """

            bands:
              per_segment:
                smb:
                  - {name: red, min_score: 0}
                  - {name: green, min_score: 80}
                  - {name: yellow, min_score: 60}
            """
        let e = try #require(issues(yaml))
        #expect(e.issues.map(\.key) == ["bands.per_segment.smb[2].min_score"])
        #expect(e.issues[0].message.contains("bands are not ordered"))
    }

    @Test func numericRangesAreChecked() throws {
        let yaml = Self.minimal + """

            model: {ridge: -1}
            backtest: {horizon: 0, folds: 1}
            flags: {score_drop: 0}
            """
        let e = try #require(issues(yaml))
        #expect(Set(e.issues.map(\.key)) == ["model.ridge", "backtest.horizon", "backtest.folds", "flags.score_drop"])
        #expect(e.issues.first { $0.key == "model.ridge" }?.message.contains(">= 0") == true)
    }

    @Test func featureOptionsAreChecked() throws {
        let yaml = """
            data: {id: id, outcome: churned}
            features:
              - {name: a, type: numeric, clip: [5, 1], winsorize: [0.9, 0.1]}
              - {name: b, type: categorical, transform: log1p}
              - {name: c, type: numeric, impute: constant}
              - {name: a, type: boolean}
              - {name: churned, type: numeric}
            """
        let e = try #require(issues(yaml))
        let keys = e.issues.map(\.key)
        #expect(keys.contains("features[0].clip") && keys.contains("features[0].winsorize"))
        #expect(e.issues.contains { $0.key == "features[1].transform" && $0.message.contains("applies to numeric features, not categorical") })
        #expect(keys.contains("features[2].impute_value"))
        #expect(e.issues.contains { $0.key == "features[3].name" && $0.message.contains("listed twice") })
        #expect(e.issues.contains { $0.key == "features[4].name" && $0.message.contains("data.outcome") })
    }

    @Test func missingRequiredKeyAndWrongType() throws {
        let e1 = try #require(issues("data: {id: id}\nfeatures: []\n"))
        #expect(e1.issues[0].message.contains("missing required key 'outcome' in data"))
        let e2 = try #require(issues(Self.minimal + "\nmodel: {ridge: lots}\n"))
        #expect(e2.issues[0].key == "model.ridge")
        #expect(e2.issues[0].message.contains("must be a number"))
        #expect(e2.issues[0].line == 7)
    }

    @Test func specRoundTripsThroughJSON() throws {
        let s = try Spec.parse(yaml: Self.minimal)
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(Spec.self, from: data) == s)
    }
}

import Foundation
