/// Which covariance a fit of this panel reports, and how to say so.
extension Panel {
    /// True when some customer has more than one row (a panel over periods): its rows are not
    /// independent observations.
    public var hasRepeatedCustomers: Bool { rowCount > customerIDs.count }

    /// `model.covariance`, or by default `cluster` when a customer has several rows, else `model`.
    public var covarianceType: CovarianceType {
        spec.model.covariance ?? (hasRepeatedCustomers ? .cluster : .model)
    }

    /// One line for summaries and tables: which covariance, on what, and whether by default.
    public var covarianceNote: String {
        let chosen = spec.model.covariance == nil ? " (the default: customers have several rows)" : ""
        switch covarianceType {
        case .cluster: return "cluster-robust on \(spec.data.id)\(chosen.isEmpty ? "" : chosen)"
        case .model: return "model-based (inverse Hessian)\(spec.model.covariance == nil ? " (the default: one row per customer)" : "")"
        }
    }

    /// The customers of `rows`, as clusters for `LogisticRegression.fit`; nil unless the
    /// covariance is `cluster`.
    func clusterCodes(rows: [Int]) -> ClusterCodes? {
        covarianceType == .cluster ? ClusterCodes(labels: rows.lazy.map { self.customerCodes[$0] }) : nil
    }
}
