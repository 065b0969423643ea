import Foundation

/// Bootstrap resamples of customers: each resample draws G customers with replacement out of the
/// G customers that have out-of-sample rows, and is kept as how many times each was drawn.
///
/// From a seed, resample b draws from its own stream (`SampleRandom(seed:stream: b)`), so the
/// resamples do not depend on how the work is split over threads and a rerun gives the same bits.
/// Seeded resamples are drawn when asked for (`multiplicity(_:)`), never held all at once.
public struct CustomerResamples: Sendable, Equatable {
    public enum Source: Sendable, Equatable, Codable {
        case seed(UInt64)
        /// A list of resampled customer ids read from a file (the test hook).
        case file(String)
    }

    /// Number of customers (clusters), G.
    public var customers: Int
    public var count: Int
    public var source: Source
    /// The resamples read from a file, as multiplicities.
    private var listed: [[Int32]]

    /// The most resamples a run accepts: far past the point where percentile intervals stop
    /// changing in the digits the report prints.
    public static let maximumCount = 100_000
    /// The most customer draws (resamples x customers) a run accepts, about a minute of work.
    public static let maximumDraws = 2_000_000_000

    /// Times each customer was drawn in resample `b` (customer c at index c).
    public func multiplicity(_ b: Int) -> [Int32] {
        guard case let .seed(seed) = source else { return listed[b] }
        var rng = SampleRandom(seed: seed, stream: UInt64(b))
        var m = [Int32](repeating: 0, count: customers)
        for _ in 0..<customers {
            // Lemire's multiply-shift: an index in 0..<G without a division.
            m[Int(rng.next().multipliedFullWidth(by: UInt64(customers)).high)] += 1
        }
        return m
    }

    /// Draws `count` resamples of `customers` customers from `seed`.
    public init(count: Int, customers: Int, seed: UInt64) throws(BootstrapError) {
        try Self.check(count: count, customers: customers)
        self.customers = customers
        source = .seed(seed)
        self.count = count
        listed = []
    }

    /// Resamples read from `path`: one resample per line, the drawn customer ids separated by
    /// commas (an id drawn twice is written twice). `index` maps an id to its customer number.
    public init(path: String, customers: Int, index: [String: Int]) throws(BootstrapError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        self.customers = customers
        source = .file(path)
        var all: [[Int32]] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            var m = [Int32](repeating: 0, count: customers)
            for (j, field) in trimmed.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                let id = field.trimmingCharacters(in: .whitespaces)
                guard let c = index[id] else {
                    throw .unknownCustomer(path: path, line: k + 1, column: j + 1, value: id)
                }
                m[c] += 1
            }
            all.append(m)
        }
        try Self.check(count: all.count, customers: customers)
        count = all.count
        listed = all
    }

    public static func check(count: Int, customers: Int) throws(BootstrapError) {
        guard count >= 1 else { throw .count(count, reason: "at least 1 resample is needed (200 is the usual choice)") }
        guard count <= maximumCount else {
            throw .count(count, reason: "at most \(maximumCount) resamples are accepted; 1000 already gives 95% intervals to about 0.001")
        }
        guard customers >= 2 else { throw .tooFewCustomers(customers) }
        guard count.multipliedReportingOverflow(by: customers).partialValue <= maximumDraws,
              !count.multipliedReportingOverflow(by: customers).overflow else {
            throw .count(count, reason: "\(count) resamples of \(customers) customers exceed the limit of \(maximumDraws) draws (resamples x customers); use at most \(maximumDraws / customers)")
        }
    }
}

/// Why a bootstrap cannot run.
public enum BootstrapError: Error, Sendable, Equatable, CustomStringConvertible {
    case count(Int, reason: String)
    /// `--validate`'s refit count.
    case refits(Int, reason: String)
    case tooFewCustomers(Int)
    case unreadable(path: String, reason: String)
    case unknownCustomer(path: String, line: Int, column: Int, value: String)

    public var description: String {
        switch self {
        case let .count(n, reason): "--bootstrap \(n): \(reason)"
        case let .refits(n, reason): "--validate \(n): \(reason)"
        case let .tooFewCustomers(g): "the bootstrap resamples customers, and the out-of-sample rows hold \(g); at least 2 are needed"
        case let .unreadable(path, reason): "cannot read the bootstrap resample file \(path): \(reason)"
        case let .unknownCustomer(path, line, column, value):
            "\(path):\(line):\(column): \"\(value)\" is not a customer with out-of-sample rows; expected customer ids separated by commas"
        }
    }
}
