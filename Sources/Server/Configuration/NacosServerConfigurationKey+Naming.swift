import NacosNaming

/// The keys of the naming section: every field of `NamingConfiguration`, plus the UDP push.
extension NacosServerConfigurationKey {
    /// The keys of the naming section, in table order.
    static let namingKeys: [Self] = [
        Self.duration(
            "nacos.naming.push.pushTaskDelay", .naming, nacos: true, minimum: .zero,
            "How long changes to one service are merged before subscribers are pushed (Nacos: 500ms; measured in docs/benchmarks.md).",
            \.naming.pushMergeWindow
        ),
        Self.duration(
            "nacos.naming.push.pushTaskTimeout", .naming, nacos: true,
            "How long a subscriber has to acknowledge a push.",
            \.naming.pushTimeout
        ),
        Self.duration(
            "nacos.naming.push.pushTaskRetryDelay", .naming, nacos: true,
            "How long after a failed push it is retried, while the subscription lives.",
            \.naming.pushRetryDelay
        ),
        Self.bool(
            "nacos.naming.push.enabled", .naming, nacos: false,
            "Whether changes are pushed to subscribers at all (Nacos's switch pushEnabled).",
            \.naming.pushEnabled
        ),
        Self.int(
            "nacos.naming.push.max-in-flight-per-subscriber", .naming, nacos: false, range: 1...Int.max,
            "The most unacknowledged pushes per subscriber connection; more wait their turn on that connection only.",
            \.naming.maxInFlightPushesPerSubscriber
        ),
        Self(
            "nacos.naming.push.cache-millis", type: .duration, section: .naming, nacos: false,
            "The cacheMillis put in every ServiceInfo: how long clients may serve it from cache (Nacos's switch defaultCacheMillis).",
            expectation: "integer milliseconds or a number with a unit ms, s, m or h (such as 500ms, 5s, 2m)",
            get: { Duration.milliseconds($0.naming.pushCacheMillis) },
            set: { configuration, duration in
                let (seconds, attoseconds) = duration.components
                configuration.naming.pushCacheMillis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
            },
            parse: { ConfigurationValueParser.duration($0, minimum: .zero) },
            render: { ConfigurationValueParser.render($0) }
        ),
        Self.bool(
            "nacos.naming.push.udp.enabled", .naming, nacos: false,
            "Whether 1.x subscribers that gave a UDP port on /nacos/v1/ns/instance/list are pushed changes over UDP.",
            \.udpPush.enabled
        ),
        Self.duration(
            "nacos.naming.push.udp.ack-timeout", .naming, nacos: false,
            "How long a UDP push waits for its ack before it is sent once more (then given up).",
            \.udpPush.ackTimeout
        ),
        Self.duration(
            "nacos.naming.client.expired.time", .naming, nacos: true,
            "How long a synced or idle ip:port client lives without renewal.",
            \.naming.clientExpiredTime
        ),
        Self.duration(
            "nacos.naming.client.clean.interval", .naming, nacos: false,
            "How often expired clients are removed.",
            \.naming.expiredClientCleanInterval
        ),
        Self.duration(
            "nacos.naming.client.empty-expired.time", .naming, nacos: false,
            "How long an ephemeral ip:port client that publishes nothing lives.",
            \.naming.emptyIpPortClientExpiry
        ),
        Self.duration(
            "nacos.naming.clean.empty-service.interval", .naming, nacos: true,
            "How often services without instances are looked for.",
            \.naming.emptyServiceCleanInterval
        ),
        Self.duration(
            "nacos.naming.clean.empty-service.expired-time", .naming, nacos: true,
            "How long a service must have had no instances and no change before it is removed.",
            \.naming.emptyServiceExpiredTime
        ),
        Self.duration(
            "nacos.naming.health.beat-check.interval", .naming, nacos: false,
            "How often the beats of ephemeral ip:port (HTTP) instances are checked.",
            \.naming.beatCheckInterval
        ),
        Self.bool(
            "nacos.naming.expireInstance", .naming, nacos: true,
            "Whether ip:port instances past their delete timeout (30 s without beats) are removed.",
            \.naming.expireInstance
        ),
        Self.bool(
            "nacos.naming.health.check.enabled", .naming, nacos: false,
            "Whether beats are checked and persistent instances actively health-checked (Nacos's switch healthCheckEnabled).",
            \.naming.healthCheckEnabled
        ),
        Self.duration(
            "nacos.naming.health.check.interval", .naming, nacos: false,
            "How often each persistent instance is TCP-checked.",
            \.naming.healthCheckInterval
        ),
        Self.duration(
            "nacos.naming.health.check.connect-timeout", .naming, nacos: false,
            "How long a TCP health-check connect may take.",
            \.naming.healthCheckConnectTimeout
        ),
        Self.int(
            "nacos.naming.health.check.flip-threshold", .naming, nacos: false, range: 1...Int.max,
            "How many consecutive opposite results flip a persistent instance's health (Nacos's checkTimes).",
            \.naming.healthCheckFlipThreshold
        ),
        Self.duration(
            "nacos.naming.health.client-beat-interval", .naming, nacos: false,
            "The beat interval told to 1.x clients in beat answers (Nacos's switch clientBeatInterval).",
            \.naming.clientBeatInterval
        ),
        Self.bool(
            "nacos.naming.health.light-beat.enabled", .naming, nacos: false,
            "Whether 1.x clients may send light beats, without the instance (Nacos's switch lightBeatEnabled).",
            \.naming.lightBeatEnabled
        ),
        Self.bool(
            "nacos.naming.instance.default-ephemeral", .naming, nacos: false,
            "Whether HTTP registrations that do not say `ephemeral` are ephemeral (Nacos's switch defaultInstanceEphemeral).",
            \.naming.defaultInstanceEphemeral
        ),
        Self.bool(
            "nacos.naming.distro.enabled", .naming, nacos: false,
            "Whether ephemeral data is replicated to the other members with Distro (Nacos's switch distroEnabled).",
            \.naming.distroEnabled
        ),
        Self.duration(
            "nacos.naming.clean.expired-metadata.expired-time", .naming, nacos: true,
            "How long an instance's metadata overlay outlives its instance before it is removed.",
            \.naming.expiredMetadataExpiredTime
        ),
        Self.int(
            "nacos.naming.instance-metadata.max-count", .naming, nacos: false, range: 1...Int.max,
            "The most instance metadata overlays the registry keeps; updates that would add more are refused.",
            \.naming.maxInstanceMetadataCount
        ),
        Self.int(
            "nacos.naming.service.metadata.length", .naming, nacos: true, range: 0...Int.max,
            "The most characters of metadata keys plus values one instance may carry.",
            \.naming.maxMetadataLength
        ),
        Self.bool(
            "nacos.core.param.check.enabled", .naming, nacos: true,
            "Whether request parameters (names, IPs, ports, metadata) are checked.",
            \.naming.paramCheckEnabled
        ),
        Self.int(
            "nacos.naming.service-list.max-page-size", .naming, nacos: false, range: 1...Int.max,
            "The largest page a service list request may ask for.",
            \.naming.maxServiceListPageSize
        ),
        Self.int(
            "nacos.naming.event.queue-capacity", .naming, nacos: false, range: 1...Int.max,
            "Capacity of each registry event subscriber's queue; events beyond it are dropped and logged.",
            \.naming.eventQueueCapacity
        ),
    ]
}
