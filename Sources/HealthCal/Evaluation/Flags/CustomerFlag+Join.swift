extension CustomerFlag {
    /// `parts` joined in order, each flag moved into the result rather than copied. A copy
    /// retains every array and long string a flag holds, and dropping the parts releases them
    /// again: two touches of tens of thousands of objects long out of cache. The parts' slots
    /// are refilled with `vacated` (empty strings and arrays, which own nothing) before they
    /// are freed.
    static func joinedByMoving(_ parts: consuming [[CustomerFlag]]) -> [CustomerFlag] {
        let total = parts.reduce(0) { $0 + $1.count }
        return [CustomerFlag](unsafeUninitializedCapacity: total) { buffer, initialized in
            for k in parts.indices {
                parts[k].withUnsafeMutableBufferPointer { part in
                    guard let source = part.baseAddress, let target = buffer.baseAddress else { return }
                    (target + initialized).moveInitialize(from: source, count: part.count)
                    part.initialize(repeating: vacated)
                    initialized += part.count
                }
            }
        }
    }

    /// What a moved-out slot holds until its array is freed.
    static let vacated = CustomerFlag(kind: .scoreDrop, customer: "", segment: nil, periods: [], startPeriod: "", endPeriod: "",
                                      score: 0, band: "", previousScore: nil, drop: nil, streakLength: nil, failedGate: false,
                                      trajectory: [], topContributions: [], healthiestContributions: [], subScores: [:])
}
