import Synchronization

/// Limits failed logins per client IP and per user, so that guessing one user's password from one IP
/// is slowed down while the user can still log in from another IP.
///
/// - An IP whose failure bucket is empty is refused for every user.
/// - A user whose failure bucket is empty is refused only from IPs that have failed recently (their
///   bucket is not full); an IP without recent failures is always admitted, so the real user on a clean
///   IP gets in and a distributed attack gets a single try per fresh IP.
/// - A success refills the IP's bucket and leaves the user's alone.
///
/// Time comes only from the `nowMillis` arguments. Each table holds at most `maxTrackedKeys` entries:
/// when full, idle (full) buckets are dropped first, then the least recently used ones.
public final class LoginThrottle: Sendable {
    /// One unit of bucket content per failure per minute-millisecond: a failure is worth 60,000 units
    /// and a bucket refilling at `r` failures a minute gains `r` units a millisecond (exact integers).
    private static let unitsPerFailure: Int64 = 60_000

    /// The shape of one family of buckets.
    private struct Limit {
        let capacity: Int64
        let refillPerMillisecond: Int64

        init(burst: Int, perMinute: Int) {
            self.capacity = Int64(max(burst, 1)) * LoginThrottle.unitsPerFailure
            self.refillPerMillisecond = Int64(max(perMinute, 1))
        }
    }

    /// A failure bucket: its content at `updatedMillis` and when it was last used.
    private struct Bucket {
        var units: Int64
        var updatedMillis: Int64
        var lastUsedMillis: Int64
    }

    /// The buckets of one family, keyed by IP or user name (an absent key is a full bucket).
    private struct Table {
        let limit: Limit
        let maxKeys: Int
        var buckets: [String: Bucket] = [:]

        init(limit: Limit, maxKeys: Int) {
            self.limit = limit
            self.maxKeys = max(maxKeys, 1)
        }

        /// The bucket content of `key` at `now`.
        func units(_ key: String, now: Int64) -> Int64 {
            guard let bucket = self.buckets[key] else { return self.limit.capacity }
            return self.refilled(bucket, now: now)
        }

        /// `bucket`'s content after refilling up to `now`.
        func refilled(_ bucket: Bucket, now: Int64) -> Int64 {
            let (difference, overflow) = now.subtractingReportingOverflow(bucket.updatedMillis)
            let elapsed = overflow ? (now > bucket.updatedMillis ? Int64.max : 0) : max(difference, 0)
            let missing = self.limit.capacity - bucket.units
            // Bound the elapsed time first so that the product cannot overflow.
            if elapsed >= (missing + self.limit.refillPerMillisecond - 1) / self.limit.refillPerMillisecond {
                return self.limit.capacity
            }
            return bucket.units + elapsed * self.limit.refillPerMillisecond
        }

        /// Whether `key` has at least one failure left at `now`.
        func hasFailureLeft(_ key: String, now: Int64) -> Bool {
            self.units(key, now: now) >= LoginThrottle.unitsPerFailure
        }

        /// Whether `key`'s bucket is full at `now` (no failure recently).
        func isFull(_ key: String, now: Int64) -> Bool {
            self.units(key, now: now) >= self.limit.capacity
        }

        /// Seconds until `key` has one failure left again, at least 1.
        func retryAfterSeconds(_ key: String, now: Int64) -> Int {
            let lacking = LoginThrottle.unitsPerFailure - self.units(key, now: now)
            guard lacking > 0 else { return 1 }
            let millis = (lacking + self.limit.refillPerMillisecond - 1) / self.limit.refillPerMillisecond
            return Int(max((millis + 999) / 1000, 1))
        }

        /// Takes one failure out of `key`'s bucket at `now` (an empty bucket stays empty).
        mutating func consume(_ key: String, now: Int64) {
            let current = self.units(key, now: now)
            let units = max(current - LoginThrottle.unitsPerFailure, 0)
            if self.buckets[key] == nil {
                self.makeRoom(now: now)
            }
            // A clock that went backwards keeps the later instant, so that no refill is counted twice.
            let updated = max(self.buckets[key]?.updatedMillis ?? now, now)
            self.buckets[key] = Bucket(units: units, updatedMillis: updated, lastUsedMillis: now)
        }

        /// Makes `key`'s bucket full again.
        mutating func refill(_ key: String) {
            self.buckets[key] = nil
        }

        /// Frees at least one slot when the table is full: idle buckets first, then the least recently
        /// used tenth (so that an attack spraying new keys costs one sort per `maxKeys / 10` inserts).
        mutating func makeRoom(now: Int64) {
            guard self.buckets.count >= self.maxKeys else { return }
            self.buckets = self.buckets.filter { self.refilled($0.value, now: now) < self.limit.capacity }
            guard self.buckets.count >= self.maxKeys else { return }
            let excess = self.buckets.count - self.maxKeys + 1
            let evicted = max(excess, self.maxKeys / 10)
            let oldest = self.buckets.sorted { $0.value.lastUsedMillis < $1.value.lastUsedMillis }.prefix(evicted)
            for (key, _) in oldest {
                self.buckets[key] = nil
            }
        }
    }

    /// Both tables.
    private struct State {
        var ips: Table
        var users: Table
    }

    private let state: Mutex<State>

    /// Creates a throttle with `configuration`'s limits and nothing tracked.
    public init(configuration: LoginThrottleConfiguration) {
        let ips = Table(
            limit: Limit(burst: configuration.failuresPerIPBurst, perMinute: configuration.failuresPerIPPerMinute),
            maxKeys: configuration.maxTrackedKeys
        )
        let users = Table(
            limit: Limit(burst: configuration.failuresPerUserBurst, perMinute: configuration.failuresPerUserPerMinute),
            maxKeys: configuration.maxTrackedKeys
        )
        self.state = Mutex(State(ips: ips, users: users))
    }

    /// Whether a login of `username` from `ip` at `nowMillis` may check its password.
    public func admit(username: String, ip: String, nowMillis: Int64) -> LoginAdmission {
        self.state.withLock { state in
            if !state.ips.hasFailureLeft(ip, now: nowMillis) {
                return .refused(retryAfterSeconds: state.ips.retryAfterSeconds(ip, now: nowMillis))
            }
            if !state.users.hasFailureLeft(username, now: nowMillis) && !state.ips.isFull(ip, now: nowMillis) {
                return .refused(retryAfterSeconds: state.users.retryAfterSeconds(username, now: nowMillis))
            }
            return .allowed
        }
    }

    /// Counts a failed login of `username` from `ip` at `nowMillis` against both.
    public func recordFailure(username: String, ip: String, nowMillis: Int64) {
        self.state.withLock { state in
            state.ips.consume(ip, now: nowMillis)
            state.users.consume(username, now: nowMillis)
        }
    }

    /// Records a successful login of `username` from `ip`: the IP's failures are forgiven, the user's are not.
    public func recordSuccess(username: String, ip: String, nowMillis: Int64) {
        self.state.withLock { state in
            state.ips.refill(ip)
        }
    }

    /// How many IPs and users are tracked now (for tests and metrics).
    public var trackedKeyCounts: (ips: Int, users: Int) {
        self.state.withLock { ($0.ips.buckets.count, $0.users.buckets.count) }
    }
}
