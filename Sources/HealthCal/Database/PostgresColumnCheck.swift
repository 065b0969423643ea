/// Which SQL types each role in the spec accepts, checked before any row is read.
///
/// Numbers are read from PostgreSQL's text output (shortest round-trip for `double precision`,
/// exact decimals for `numeric`), so the parser sees what a CSV export would hold. `real`
/// (float4) is refused: its text has 6-9 significant digits, not the value the analyst meant.
enum PostgresColumnCheck {
    enum Role {
        case text(String)      // id, segment, categorical feature: the role's words for messages
        case period
        case number(String)    // numeric feature, weight, gate
        case outcome
        case boolean(String)   // boolean feature
    }

    // Type OIDs (pg_type.dat, stable across versions).
    static let bool: UInt32 = 16, int8: UInt32 = 20, int2: UInt32 = 21, int4: UInt32 = 23, text: UInt32 = 25,
               name: UInt32 = 19, float4: UInt32 = 700, float8: UInt32 = 701, bpchar: UInt32 = 1042,
               varchar: UInt32 = 1043, date: UInt32 = 1082, numeric: UInt32 = 1700
    static let integers: Set<UInt32> = [int2, int4, int8]
    static let texts: Set<UInt32> = [text, varchar, bpchar, name]

    /// The select-list expression for the column, or the error naming what to change.
    static func expression(column: String, type: UInt32, role: Role, relation: PostgresRelation) -> Result<String, DatabaseError> {
        let q = PostgresConnection.identifier(column)
        func refuse(_ expected: String, _ fix: String) -> Result<String, DatabaseError> {
            .failure(DatabaseError(.columnType, "\(relation) column \"\(column.debugEscaped)\" has SQL type \(typeName(type)); \(expected); \(fix)"))
        }
        switch role {
        case .text(let what):
            if texts.contains(type) || integers.contains(type) { return .success(q) }
            return refuse("\(what) is read as text (text, varchar or an integer type)", "cast it, e.g. \(q)::text")
        case .period:
            if texts.contains(type) || integers.contains(type) || type == date { return .success(q) }
            return refuse("the period is read as text (2025Q3, 2025-07) or a date", "cast it, e.g. \(q)::date or to_char(...)")
        case .number(let what):
            if type == float4 {
                return refuse("\(what) must be double precision, numeric or an integer type: real (float4) keeps only 6-9 significant digits",
                              "cast it to double precision (ALTER TABLE ... ALTER COLUMN \(q) TYPE double precision, or \(q)::double precision in a --query)")
            }
            if integers.contains(type) || type == float8 || type == numeric { return .success(q) }
            return refuse("\(what) must be numeric (double precision, numeric or an integer type)", "cast it to double precision")
        case .outcome:
            if type == bool { return .success("(\(q))::int AS \(q)") }
            if integers.contains(type) || texts.contains(type) || type == numeric { return .success(q) }
            return refuse("the outcome must be an integer (0/1), boolean or text (yes/no, true/false)", "cast it to integer")
        case .boolean(let what):
            if type == bool { return .success("(\(q))::int AS \(q)") }
            // `healthcal load` writes a boolean feature's parsed 0/1 as double precision.
            if integers.contains(type) || texts.contains(type) || type == float8 || type == numeric { return .success(q) }
            return refuse("\(what) must be boolean, a number (0/1) or text", "cast it to boolean")
        }
    }

    static func typeName(_ oid: UInt32) -> String {
        switch oid {
        case bool: return "boolean"
        case int2: return "smallint"
        case int4: return "integer"
        case int8: return "bigint"
        case text: return "text"
        case name: return "name"
        case float4: return "real"
        case float8: return "double precision"
        case bpchar: return "character"
        case varchar: return "character varying"
        case date: return "date"
        case numeric: return "numeric"
        case 1114: return "timestamp"
        case 1184: return "timestamp with time zone"
        case 3802: return "jsonb"
        default: return "type oid \(oid)"
        }
    }

    /// The role of a feature column of type `type` (numeric features must be numeric).
    static func featureRole(_ name: String, _ type: FeatureSpec.Kind, owner: String = "") -> Role {
        switch type {
        case .numeric: return .number("\(owner)numeric feature \"\(name.debugEscaped)\"")
        case .categorical: return .text("\(owner)categorical feature \"\(name.debugEscaped)\"")
        case .boolean: return .boolean("\(owner)boolean feature \"\(name.debugEscaped)\"")
        }
    }

    /// The spec's columns in select-list order (id first, the period second when there is one:
    /// problems find a row's id and period from the first fields), each with its role.
    static func columns(of spec: Spec) -> [(name: String, role: Role)] {
        var out: [(String, Role)] = [(spec.data.id, .text("the id"))]
        if let p = spec.data.period { out.append((p, .period)) }
        if let s = spec.data.segment { out.append((s, .text("the segment"))) }
        if let w = spec.data.weight { out.append((w, .number("the row weight"))) }
        out.append((spec.data.outcome, .outcome))
        if let g = spec.bands.gate?.column { out.append((g, .number("the band gate"))) }
        for f in spec.features { out.append((f.name, featureRole(f.name, f.type))) }
        // A column named twice (e.g. the gate is also a feature) is selected once.
        var seen = Set<String>()
        return out.filter { seen.insert($0.0).inserted }
    }
}
