/// Edit distances for "did you mean" suggestions on misspelt spec keys, enum values and column
/// names. A typo such as "standardise" or "churnd" is one or two edits away from the real name.
enum EditDistance {
    static let maxSuggestedLength = 200

    /// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), on Unicode
    /// scalars, case-insensitive: "Churned" and "churned" are 0 apart, "lgoins" and "logins" 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased().unicodeScalars), t = Array(b.lowercased().unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
        for i in 0...s.count { d[i][0] = i }
        for j in 0...t.count { d[0][j] = j }
        for i in 1...s.count {
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var v = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] { v = min(v, d[i - 2][j - 2] + 1) }
                d[i][j] = v
            }
        }
        return d[s.count][t.count]
    }

    /// The candidate closest to `name`, when it is plausibly what was meant: at most
    /// max(2, length / 2) edits away, or one name contains the other ("logins" / "logins_30d").
    /// Ties go to the candidate listed first.
    /// Names longer than `maxSuggestedLength` get no distance (it costs length × length time
    /// and memory: a 10 MB header name took a minute and a gigabyte), only the containment test.
    static func closest(to name: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        let lower = name.lowercased()
        let nameCount = name.count
        for c in candidates where c != name {
            let cl = c.lowercased()
            let contains = !lower.isEmpty && !cl.isEmpty && (cl.contains(lower) || lower.contains(cl))
            let count = c.count
            let limit = max(2, max(nameCount, count) / 2)
            // The distance is at least the difference in length.
            let dist = abs(nameCount - count) > limit || max(nameCount, count) > maxSuggestedLength
                ? Int.max : distance(name, c)
            guard dist <= limit || contains else { continue }
            if let b = best, b.1 <= dist { continue }
            best = (c, dist)
        }
        return best?.0
    }

    /// "; did you mean 'x'?" or the empty string.
    static func suggestion(for name: String, in candidates: [String], quote: String = "'") -> String {
        closest(to: name, in: candidates).map { "; did you mean \(quote)\($0.shownInMessage)\(quote)?" } ?? ""
    }
}
