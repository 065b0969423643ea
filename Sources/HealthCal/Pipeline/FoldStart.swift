import LinearAlgebra

/// The previous backtest fold's pooled model, and how many of this fold's first training rows
/// it was fitted on (its training rows are a prefix of this fold's: an expanding window); 0 when
/// they are not such a prefix (then only its weights can serve as a start).
public struct PreviousFold: Sendable {
    public var model: SpecFit
    public var sharedRows: Int

    public init(model: SpecFit, sharedRows: Int) {
        self.model = model
        self.sharedRows = sharedRows
    }
}

/// Where a walk-forward fold's Newton iterations start: the previous fold's optimum moved by one
/// Newton step that accounts for the rows this fold adds.
///
/// The previous weights are first restated in this fold's standardization (`carried`). On the
/// rows both folds share, the gradient there is close to 0 (those weights were optimal for them)
/// and the Hessian is the previous fit's, mapped to the new coordinates. Only the added rows, a
/// period's worth, are read: their gradient and Hessian at the carried weights. The step
/// −(H_shared + H_added)⁻¹ g_added then lands about where a full Newton step from the carried
/// weights would, at a tenth of a pass over the data. This only chooses the start:
/// `LogisticRegression.fit` still iterates to the same optimum and uses the start only if it is
/// better than the intercept-only one.
///
/// The Hessian H_shared + H_added the step was solved with is returned too: it is close to the
/// one at the start, so the fit can step on it with gradient-only passes for as long as that
/// converges fast (`minimizeByNewton`'s `approximateHessian`).
enum FoldStart {
    static func predicted(from previous: PreviousFold, encoding: FittedEncoding, design: Design,
                          y: [Double], weights w: [Double]?) -> (start: [Double], hessian: Matrix)? {
        let p = design.columnCount, n = design.rowCount, shared = previous.sharedRows
        guard shared > 0, shared < n, previous.model.fit.names == design.names,
              let (beta, back) = encoding.carried(previous.model.fit.coefficients, from: previous.model.encoding),
              let covariance = try? Matrix(rows: p, cols: p, columnMajor: previous.model.fit.hessianInverse),
              let oldHessian = try? Cholesky(covariance).inverse()
        else { return nil }
        // The added rows' gradient and Hessian at the carried weights.
        let added = shared..<n
        // η of the added rows only (eta[k] is row shared + k).
        var eta = [Double](repeating: 0, count: added.count)
        eta.withUnsafeMutableBufferPointer { design.x.multiplyRows(added, beta, intoStartOf: $0.baseAddress!) }
        var hw = [Double](repeating: 0, count: added.count), residual = hw
        for (k, i) in added.enumerated() {
            let mu = sigmoid(eta[k]), wi = w?[i] ?? 1
            hw[k] = wi * mu * (1 - mu)
            residual[k] = wi * (mu - y[i])
        }
        var sums = WeightedGramAccumulator(cols: p)
        do { try sums.add(design.x, rows: added, weights: hw, vector: residual, offset: shared) } catch { return nil }
        // The shared rows' Hessian in the new coordinates: Dᵀ H D, D = ∂β_old/∂β_new.
        var backT = Matrix(rows: p, cols: p)
        for i in 0..<p { for j in 0..<p { backT[i, j] = back[j, i] } }
        guard let sharedHessian = try? backT.multiply(oldHessian.multiply(back)) else { return nil }
        var hessian = sums.symmetricGram
        for k in hessian.storage.indices { hessian.storage[k] += sharedHessian.storage[k] }
        guard let step = try? Cholesky(hessian).solve(sums.vector) else { return nil }
        let start = zip(beta, step).map { $0 - $1 }
        return start.allSatisfy(\.isFinite) ? (start, hessian) : nil
    }
}
