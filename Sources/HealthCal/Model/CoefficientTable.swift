import Foundation

/// Renders a `LogisticFit` as the coefficient table analysts know from statsmodels' `summary()`.
/// Kept apart from the fit so the result stays a plain value.
public enum CoefficientTable {
    public static func render(_ fit: LogisticFit, outcome: String, title: String = "Logistic regression") -> String {
        let nameWidth = max(12, (fit.names.map(\.count).max() ?? 0) + 2)
        var lines: [String] = []
        let penalty = fit.firthPenalizedLogLikelihood.map { "Firth (Jeffreys prior), penalized log-likelihood \(fixed($0, 4))" }
            ?? (fit.ridge > 0 ? "ridge λ = \(formatNumber(fit.ridge))" : "none (maximum likelihood)")
        let header: [(String, String)] = [
            ("Outcome:", outcome), ("Rows:", "\(fit.rows)"),
            ("Observations (weighted):", formatNumber(fit.observations)),
            ("Penalty:", penalty),
            ("Converged:", fit.converged ? "yes, \(fit.iterations) iterations" : "NO after \(fit.iterations) iterations"),
            ("Log-likelihood:", fixed(fit.logLikelihood, 4)), ("LL-Null:", fixed(fit.nullLogLikelihood, 4)),
            ("Deviance:", fixed(fit.deviance, 4)), ("McFadden R²:", fixed(fit.mcFaddenR2, 4)),
            ("AIC:", fixed(fit.aic, 4)), ("BIC:", fixed(fit.bic, 4)),
            ("LR test:", "χ² = \(fixed(fit.likelihoodRatio, 3)) on \(fit.likelihoodRatioDF) df, p = \(pValue(fit.likelihoodRatioPValue))"
                + (fit.covarianceType == .cluster ? " (treats rows as independent)" : "")),
            ("Covariance:", covarianceLabel(fit)),
            ("Wald test:", "χ² = \(fixed(fit.waldStatistic, 3)) on \(fit.waldDF) df, p = \(pValue(fit.waldPValue))"),
        ]
        let rule = String(repeating: "=", count: nameWidth + 78)
        lines.append(title)
        lines.append(rule)
        for (k, v) in header { lines.append(pad(k, 26) + v) }
        lines.append(String(repeating: "-", count: nameWidth + 78))
        let firth = fit.firthPenalizedLogLikelihood != nil
        lines.append(pad("", nameWidth) + ["coef", "std err", "z", firth ? "P>chi2" : "P>|z|", "[0.025", "0.975]", "odds ratio"]
            .map { leftPad($0, 11) }.joined())
        for j in fit.names.indices {
            let cells = [fixed(fit.coefficients[j], 4), fixed(fit.standardErrors[j], 4), fixed(fit.zValues[j], 3),
                         fixed(fit.pValues[j], 3), fixed(fit.lower95[j], 4), fixed(fit.upper95[j], 4),
                         fit.names[j] == "const" ? "" : significant(fit.oddsRatios[j])]
            lines.append(pad(fit.names[j], nameWidth) + cells.map { leftPad($0, 11) }.joined())
        }
        lines.append(rule)
        if fit.ridge > 0 {
            lines.append("Note: under a ridge penalty, standard errors come from the penalized Hessian; z, p-values and intervals are approximate.")
        }
        if firth {
            lines.append("Note: Firth fit: std err from the inverse information; P>chi2 are penalized likelihood-ratio tests and the intervals profile penalized-likelihood ones (as R's logistf); the LR test is penalized.")
        }
        for w in fit.warnings { lines.append("Warning: \(w)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "model-based (inverse Hessian)" or "cluster-robust, 2000 clusters (G/(G−1)·(N−1)/(N−K))".
    public static func covarianceLabel(_ fit: LogisticFit) -> String {
        switch fit.covarianceType {
        case .model: "model-based (inverse Hessian)"
        case .cluster: "cluster-robust on the customer id, \(fit.clusters.map(String.init) ?? "?") customers (small-sample factor G/(G-1)·(N-1)/(N-K))"
        }
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        v.isFinite ? String(format: "%.\(digits)f", v) : "\(v)"
    }

    static func significant(_ v: Double) -> String {
        v.isFinite ? String(format: "%.4g", v) : "\(v)"
    }

    static func pValue(_ p: Double) -> String {
        p < 1e-4 ? String(format: "%.2e", p) : String(format: "%.4f", p)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func leftPad(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
}
