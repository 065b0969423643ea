/// The raw feature values of only the rows the flags explain, for a panel that holds no
/// feature columns (the pushed-down backtest's key panel): a small panel of those rows, and
/// each key-panel row's row in it. The contributions are then computed by the same
/// `RowExplainer` as for a CSV panel, from the same raw values.
public struct FlaggedRowFeatures: Sendable {
    public var panel: Panel
    /// Key-panel row → row of `panel`.
    public var rowOf: [Int: Int]

    public init(panel: Panel, rowOf: [Int: Int]) {
        self.panel = panel
        self.rowOf = rowOf
    }
}
