/// A token bucket that limits how often a peer may do something (reset streams, ping, send SETTINGS).
internal struct HTTP2TokenBucket {
    private let burst: Double
    private let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(burst: Int, perSecond: Int) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        self.tokens = Double(burst)
        self.last = .now
    }

    /// Takes a token; `false` when the bucket is empty.
    mutating func take() -> Bool {
        let now = ContinuousClock.now
        let elapsed = self.last.duration(to: now)
        self.last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        self.tokens = min(self.burst, self.tokens + seconds * self.perSecond)
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }
}
