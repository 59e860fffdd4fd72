import NacosRemote

/// The naming switches (Nacos's `SwitchDomain`, reference §4.5): settings an operator reads and changes
/// at run time with `GET|PUT /nacos/v1/ns/operator/switches`. Field names are those of Java's getters.
///
/// `NamingSwitches` holds the node's current value; the registry reads it live, so a change to
/// `pushEnabled`, `healthCheckEnabled`, `checkTimes`, `clientBeatInterval`, `lightBeatEnabled`,
/// `defaultPushCacheMillis` or the push versions takes effect at once. The other fields are kept and shown
/// for compatibility.
public struct SwitchDomain: Sendable, Equatable {
    /// The bounds and factor of one kind of active health check (Nacos's `HealthParams`).
    public struct HealthParams: Sendable, Equatable {
        /// The longest check interval, in milliseconds.
        public var max: Int
        /// The shortest check interval, in milliseconds.
        public var min: Int
        /// The interval factor, between 0 and 1.
        public var factor: Float

        /// Creates health-check parameters.
        public init(max: Int, min: Int, factor: Float) {
            self.max = max
            self.min = min
            self.factor = factor
        }
    }

    /// The switch domain's fixed name, as Nacos reports it.
    public static let name = "00-00---000-NACOS_SWITCH_DOMAIN-000---00-00"

    /// The master servers (unused; `nil` until set).
    public var masters: [String]?
    /// Weights per address (unused).
    public var adWeightMap: [String: Int] = [:]
    /// The `cacheMillis` of every ServiceInfo (10 s).
    public var defaultPushCacheMillis: Int64 = 10_000
    /// The beat interval told to 1.x clients, in milliseconds (5 s).
    public var clientBeatInterval: Int64 = 5_000
    /// The cache time of clients that cannot be pushed, in milliseconds (3 s).
    public var defaultCacheMillis: Int64 = 3_000
    /// The Distro threshold (0.7).
    public var distroThreshold: Float = 0.7
    /// Whether beats are checked and persistent instances actively health-checked.
    public var healthCheckEnabled = true
    /// Whether health checking may be switched automatically (kept for compatibility).
    public var autoChangeHealthCheckEnabled = true
    /// Whether Distro replication is on.
    public var distroEnabled = true
    /// Whether standalone mode is allowed.
    public var enableStandalone = true
    /// Whether changes are pushed to subscribers.
    public var pushEnabled = true
    /// How many consecutive opposite health-check results flip an instance (3).
    public var checkTimes = 3
    /// HTTP health-check parameters.
    public var httpHealthParams = HealthParams(max: 5_000, min: 500, factor: 0.85)
    /// TCP health-check parameters.
    public var tcpHealthParams = HealthParams(max: 5_000, min: 1_000, factor: 0.75)
    /// MySQL health-check parameters.
    public var mysqlHealthParams = HealthParams(max: 3_000, min: 2_000, factor: 0.65)
    /// The incremental list (unused).
    public var incrementalList: [String] = []
    /// How often server status is synchronised, in milliseconds (2 s).
    public var serverStatusSynchronizationPeriodMillis: Int64 = 2_000
    /// How often service status is synchronised, in milliseconds (5 s).
    public var serviceStatusSynchronizationPeriodMillis: Int64 = 5_000
    /// Whether adding instances is refused.
    public var disableAddIP = false
    /// Whether clients should only beat.
    public var sendBeatOnly = false
    /// Whether 1.x clients may send light beats (without beat info).
    public var lightBeatEnabled = true
    /// HTTP status codes per limited URL.
    public var limitedUrlMap: [String: Int] = [:]
    /// How long a silent Distro server is kept, in milliseconds (10 s).
    public var distroServerExpiredMillis: Int64 = 10_000
    /// The oldest Go client version that is pushed over UDP.
    public var pushGoVersion = "0.1.0"
    /// The oldest Java client version that is pushed over UDP.
    public var pushJavaVersion = "0.1.0"
    /// The oldest Python (and DNS) client version that is pushed over UDP.
    public var pushPythonVersion = "0.4.3"
    /// The oldest C client version that is pushed over UDP.
    public var pushCVersion = "1.0.12"
    /// The oldest C# client version that is pushed over UDP.
    public var pushCSharpVersion = "0.9.0"
    /// Whether authentication is on (unused here).
    public var enableAuthentication = false
    /// A server status that overrides the computed one (`UP`, `DOWN`, …), or `nil`.
    public var overriddenServerStatus: String?
    /// Whether HTTP registrations without an `ephemeral` parameter are ephemeral.
    public var defaultInstanceEphemeral = true
    /// Services health-checked even while `healthCheckEnabled` is off.
    public var healthCheckWhiteList: [String] = []

    /// Creates the switches with Nacos's defaults.
    public init() {}

    /// Creates the switches with the initial values `configuration` gives.
    public init(configuration: NamingConfiguration) {
        self.pushEnabled = configuration.pushEnabled
        self.healthCheckEnabled = configuration.healthCheckEnabled
        self.defaultPushCacheMillis = configuration.pushCacheMillis
        self.checkTimes = max(1, configuration.healthCheckFlipThreshold)
        self.clientBeatInterval = configuration.clientBeatInterval.wholeMilliseconds
        self.lightBeatEnabled = configuration.lightBeatEnabled
        self.defaultInstanceEphemeral = configuration.defaultInstanceEphemeral
        self.distroEnabled = configuration.distroEnabled
    }

    /// Whether `serviceName` (grouped) is health-checked: always while `healthCheckEnabled`, else when
    /// it is white-listed.
    public func isHealthCheckEnabled(for serviceName: String) -> Bool {
        self.healthCheckEnabled || self.healthCheckWhiteList.contains(serviceName)
    }

    /// Whether a 1.x client with User-Agent `agent` gets UDP pushes: pushes are on and the client is a
    /// Java, Go, C, C# or DNS client at least as new as its push-version switch (Nacos's
    /// `UdpPushService.canEnablePush`).
    public func canEnablePush(agent: String) -> Bool {
        guard self.pushEnabled else { return false }
        let client = NamingClientAgent(agent)
        let minimum: String
        switch client.kind {
        case .java: minimum = self.pushJavaVersion
        case .dns: minimum = self.pushPythonVersion
        case .c: minimum = self.pushCVersion
        case .go: minimum = self.pushGoVersion
        case .csharp: minimum = self.pushCSharpVersion
        default: return false
        }
        return client.version >= NamingClientAgent.Version(minimum)
    }
}
