/// One simulated customer: fixed traits drawn at entry, a latent health that moves each quarter,
/// and the metrics and churn draw of each quarter it is present.
///
/// Every draw comes from the customer's own stream, in a fixed order whatever the outcome (a
/// missing cell still consumes its value's draws), so a change in one metric's formula does not
/// reshuffle the others.
struct SampleCustomer {
    enum Planted {
        case none
        /// Looks healthy; churns from a cause the metrics do not show, at its first quarter (from
        /// its third on) in which the true model gives it a churn probability below
        /// `SampleModel.falseHealthyMaxProbability`; never before.
        case falseHealthy
        /// Looks bad; never churns.
        case persistentRed
    }

    var rng: SampleRandom
    let index: Int
    let entry: Int
    let segment: Int
    let plan: Int
    let seats0: Double
    let healthMean: Double
    let planted: Planted
    /// The AR(1) deviation from `healthMean` (variance 1).
    var deviation: Double

    init(seed: UInt64, index: Int, entry: Int, periods: Int) {
        var rng = SampleRandom(seed: seed, stream: UInt64(index))
        self.index = index
        self.entry = entry
        let segments = SampleModel.segments
        segment = Self.pick(rng.uniform(), segments.map(\.share))
        let profile = segments[segment]
        plan = Self.pick(rng.uniform(), profile.planProbabilities)
        seats0 = DetMath.exp(profile.seatsLogMean + 0.6 * rng.normal())
        let u = rng.uniform()
        let remaining = periods - entry
        var mean = profile.healthMean
        if u < SampleModel.falseHealthyRate, remaining >= 3 {
            planted = .falseHealthy
            mean += SampleModel.falseHealthyShift
        } else if u >= SampleModel.falseHealthyRate, u < SampleModel.falseHealthyRate + SampleModel.persistentRedRate,
                  remaining >= 4 {
            planted = .persistentRed
            mean += SampleModel.persistentRedShift
        } else {
            planted = .none
        }
        healthMean = mean
        deviation = rng.normal()
        self.rng = rng
    }

    /// The index of the bucket of `u` in the cumulative `shares`.
    static func pick(_ u: Double, _ shares: [Double]) -> Int {
        var cumulative = 0.0
        for (k, s) in shares.enumerated() {
            cumulative += s
            if u < cumulative { return k }
        }
        return shares.count - 1
    }

    mutating func step(period t: Int) -> SampleRow {
        let phi = SampleModel.persistence
        if t > entry { deviation = phi * deviation + (1 - phi * phi).squareRoot() * rng.normal() }
        let h = healthMean + deviation
        let profile = SampleModel.segments[segment]

        let seats = max(1, Int((seats0 * DetMath.exp(0.05 * h + 0.03 * rng.normal())).rounded()))
        let logins = Int((Double(seats) * DetMath.exp(1.0 + 0.5 * h + 0.7 * rng.normal())).rounded(.down))
        let share = Int((1000 * DetMath.sigmoid(0.4 + 0.8 * h + 0.4 * rng.normal())).rounded())
        let adoption = rng.binomial(20, DetMath.sigmoid(-0.3 + 0.6 * h + SampleModel.planAdoptionShift[plan]))
        let tickets = rng.poisson(DetMath.exp(-0.5 + 0.35 * DetMath.log1p(Double(seats)) - 0.35 * h + 0.6 * rng.normal()))
        let nps = min(100, max(-100, Int((15 + 30 * h + 25 * rng.normal()).rounded())))
        let late = rng.bernoulli(DetMath.sigmoid(-2.2 - 0.7 * h))
        let delayDraw = DetMath.exp(2.0 + 0.8 * rng.normal())
        let delay = late ? max(1, Int(delayDraw.rounded())) : 0
        let exec = rng.binomial(3, DetMath.sigmoid(profile.execLogit + 0.6 * h))
        let invoice = rng.bernoulli(DetMath.sigmoid(3.5 + 0.5 * h)) ? 1 : 0

        func keep(_ name: String) -> Bool { !rng.bernoulli(SampleModel.missingRate[name] ?? 0) }
        var row = SampleRow(segment: profile.name, plan: SampleModel.plans[plan], seats: seats,
                            logins: keep("logins_30d") ? logins : nil,
                            activeShareThousandths: keep("active_user_share") ? share : nil,
                            featureAdoption: adoption,
                            supportTickets: keep("support_tickets") ? tickets : nil,
                            nps: keep("nps") ? nps : nil,
                            paymentDelay: keep("payment_delay_days") ? delay : nil,
                            execMeetings: exec, invoiceSent: invoice, churned: false)
        let u = rng.uniform()
        switch planted {
        case .none: row.churned = u < DetMath.sigmoid(row.trueLogit)
        case .falseHealthy:
            row.churned = t >= entry + 2 && DetMath.sigmoid(row.trueLogit) < SampleModel.falseHealthyMaxProbability
        case .persistentRed: row.churned = false
        }
        return row
    }
}

/// One customer-quarter as written to the CSV; nil is a missing cell.
struct SampleRow {
    var segment: String
    var plan: String
    var seats: Int
    var logins: Int?
    /// Active-user share in thousandths, so the CSV holds exactly three decimals and the value
    /// the fit reads back (k / 1000, correctly rounded) is the value the truth used.
    var activeShareThousandths: Int?
    var featureAdoption: Int
    var supportTickets: Int?
    var nps: Int?
    var paymentDelay: Int?
    var execMeetings: Int
    var invoiceSent: Int
    var churned: Bool

    /// The churn log-odds of the true model on this row's encoded features (SampleModel): the
    /// sample spec's transforms, its constant imputation of missing cells and their indicators.
    var trueLogit: Double {
        var z = SampleModel.intercept
        for f in SampleModel.features {
            if f.kind == .categorical {
                z += SampleModel.planWeights.first { $0.0 == "plan=\(plan)" }?.1 ?? 0
                continue
            }
            if let v = value(of: f.name) {
                z += f.weight * (f.transform == .log1p ? DetMath.log1p(v) : v)
            } else {
                z += f.weight * (f.imputeValue ?? 0) + f.missingWeight
            }
        }
        return z
    }

    /// The raw value of a numeric or boolean column, nil when missing.
    func value(of name: String) -> Double? {
        switch name {
        case "logins_30d": logins.map(Double.init)
        case "active_user_share": activeShareThousandths.map { Double($0) / 1000 }
        case "feature_adoption": Double(featureAdoption)
        case "support_tickets": supportTickets.map(Double.init)
        case "nps": nps.map(Double.init)
        case "payment_delay_days": paymentDelay.map(Double.init)
        case "exec_meetings": Double(execMeetings)
        case "seats": Double(seats)
        case "invoice_sent": Double(invoiceSent)
        default: nil
        }
    }

    /// This row as one CSV record (`SampleData.columns`' order), by the CSV writer of every output.
    func appendCSV(id: String, period: String, to csv: inout CSVWriter) {
        func cell(_ v: Int?) -> CSVWriter.Cell { v.map { .integer($0) } ?? .empty }
        csv.row([.text(id), .text(period), .text(segment), .text(plan), .integer(seats), cell(logins),
                 .optional(activeShareThousandths.map { Double($0) / 1000 }, decimals: 3), .integer(featureAdoption),
                 cell(supportTickets), cell(nps), cell(paymentDelay), .integer(execMeetings), .integer(invoiceSent),
                 .integer(churned ? 1 : 0)])
    }
}
