/// Timers and limits of a `NacosConnectionManager`; the defaults are Nacos's (reference §2.4, §5.2, §5.3).
public struct NacosConnectionManagerConfiguration: Sendable {
    /// How long a connection may be silent before the ejector probes it (Nacos `KEEP_ALIVE_TIME`, 20 s).
    public var keepAliveTime: Duration = .seconds(20)
    /// How often the ejector runs (3 s).
    public var ejectorInterval: Duration = .seconds(3)
    /// The delay before the ejector's first run (1 s).
    public var ejectorInitialDelay: Duration = .seconds(1)
    /// How long a probed connection has to answer ClientDetectionRequest successfully (5 s).
    public var detectionTimeout: Duration = .seconds(5)
    /// How long `loadSingle` waits for the client to acknowledge ConnectResetRequest (3 s).
    public var resetTimeout: Duration = .seconds(3)
    /// The JSON limit-rule file, or `nil` for no file (Nacos: `${nacos.home}/data/loader/limitRule`).
    public var limitRuleFile: String?
    /// How often the limit-rule file is checked for changes (3 s).
    public var limitRuleCheckInterval: Duration = .seconds(3)
    /// The rule used when there is no file, and until the file is first read.
    public var limitRule = NacosConnectionLimitRule()

    /// Creates the default configuration.
    public init() {}
}
