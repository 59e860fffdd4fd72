/// The naming core's settings, with Nacos's defaults except where noted (reference Appendix C).
public struct NamingConfiguration: Sendable {
    /// How long changes to one service are merged before subscribers are pushed, counted from the first
    /// change. Nacos waits 500 ms; the default here is 1 ms, which still merges a burst of registrations
    /// (docs/benchmarks.md: p50 1.4 ms idle, p99 11 ms under load, against 10.8 / 22 ms with 10 ms).
    public var pushMergeWindow: Duration = .milliseconds(1)
    /// How long a subscriber has to acknowledge a push (5 s).
    public var pushTimeout: Duration = .seconds(5)
    /// How long after a failed push it is retried, while the subscription lives (1 s).
    public var pushRetryDelay: Duration = .seconds(1)
    /// Whether changes are pushed at all: the initial value of switch `pushEnabled`.
    public var pushEnabled = true
    /// The most pushes in flight per subscriber connection; more wait their turn on that connection only.
    public var maxInFlightPushesPerSubscriber = 64
    /// The `cacheMillis` put in every ServiceInfo (10 s): the initial value of switch
    /// `defaultPushCacheMillis`.
    public var pushCacheMillis: Int64 = 10_000

    /// How often expired clients are removed (5 s).
    public var expiredClientCleanInterval: Duration = .seconds(5)
    /// How long a synced or idle ip:port client lives without renewal (3 min).
    public var clientExpiredTime: Duration = .seconds(180)
    /// How long an ephemeral ip:port client that publishes nothing lives (30 s).
    public var emptyIpPortClientExpiry: Duration = .seconds(30)

    /// How often services without instances are looked for (60 s).
    public var emptyServiceCleanInterval: Duration = .seconds(60)
    /// How long a service must have had no instances and no change before it is removed (60 s).
    public var emptyServiceExpiredTime: Duration = .seconds(60)

    /// How often beats of ephemeral ip:port instances are checked (5 s).
    public var beatCheckInterval: Duration = .seconds(5)
    /// Whether instances past their delete timeout are removed (`nacos.naming.expireInstance`).
    public var expireInstance = true

    /// Whether beats are checked and persistent instances actively health-checked: the initial value of
    /// switch `healthCheckEnabled`.
    public var healthCheckEnabled = true
    /// How often each persistent instance is TCP-checked.
    public var healthCheckInterval: Duration = .seconds(5)
    /// How long a TCP health-check connect may take (500 ms).
    public var healthCheckConnectTimeout: Duration = .milliseconds(500)
    /// How many consecutive opposite results flip an instance's health (3): the initial value of switch
    /// `checkTimes`.
    public var healthCheckFlipThreshold = 3
    /// The beat interval told to 1.x clients (5 s): the initial value of switch `clientBeatInterval`.
    public var clientBeatInterval: Duration = .seconds(5)
    /// Whether 1.x clients may send light beats: the initial value of switch `lightBeatEnabled`.
    public var lightBeatEnabled = true
    /// Whether HTTP registrations without `ephemeral` are ephemeral: the initial value of switch
    /// `defaultInstanceEphemeral`.
    public var defaultInstanceEphemeral = true
    /// Whether Distro replication is on: the initial value of switch `distroEnabled`.
    public var distroEnabled = true

    /// How long an instance overlay (`InstanceMetadata`) outlives its instance before the expired-client
    /// cleaner removes it (60 s, Nacos's `expiredMetadataExpiredTime`).
    public var expiredMetadataExpiredTime: Duration = .seconds(60)
    /// The most instance overlays the registry keeps; updates that would add more are refused.
    public var maxInstanceMetadataCount = 100_000

    /// The most characters of metadata keys plus values one instance may carry (1024).
    public var maxMetadataLength = 1024
    /// Whether request parameters are checked (`nacos.core.param.check.enabled`).
    public var paramCheckEnabled = true
    /// The largest page `ServiceListRequest` may ask for.
    public var maxServiceListPageSize = 10_000
    /// Capacity of each event subscriber's queue; events beyond it are dropped and logged.
    public var eventQueueCapacity = 1_000_000

    /// Whether a write into a namespace that does not exist creates it (Nacos's behaviour); when `false`
    /// such a write is refused with 400 until the namespace is created through the namespace API.
    public var autoCreateNamespaces = false

    /// Creates a configuration with the defaults.
    public init() {}
}
