extension Spec {
    /// `transform: bins` and its options (`max_bins`, `monotone`, `min_bin_share`).
    func validateBins(_ f: FeatureSpec, at: String, add: (String, String) -> Void) {
        let binOptions = [("max_bins", f.maxBins != nil), ("monotone", f.monotone != nil), ("min_bin_share", f.minBinShare != nil)]
        guard f.transform == .bins else {
            for (key, given) in binOptions where given && f.type == .numeric {
                add("\(at).\(key)", "\(at).\(key) applies only with transform: bins ('\(f.name.shownInMessage)' has transform: \(f.effectiveTransform.rawValue))")
            }
            return
        }
        if let m = f.maxBins, !MonotoneBins.maxBinsRange.contains(m) {
            add("\(at).max_bins", "\(at).max_bins must be between \(MonotoneBins.maxBinsRange.lowerBound) and \(MonotoneBins.maxBinsRange.upperBound), not \(m)")
        }
        if let s = f.minBinShare, !(s > 0 && s <= 0.5) {
            add("\(at).min_bin_share", "\(at).min_bin_share must be in (0, 0.5] (a share of the present training rows), not \(s)")
        }
        // Bins are indicator columns of ranges of the raw value: a transform before them, clipping
        // or standardizing would change nothing (or only the labels), so they are refused.
        for (key, given) in [("clip", f.clip != nil), ("winsorize", f.winsorize != nil), ("standardize", f.standardize == true)] where given {
            add("\(at).\(key)", "\(at).\(key) has no effect with transform: bins ('\(f.name.shownInMessage)' enters the model as one indicator per range); remove it")
        }
    }
}
