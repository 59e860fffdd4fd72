extension Duration {
    /// The duration in whole milliseconds, rounded toward zero (for comparisons with epoch-millisecond stamps).
    package var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
