import NacosNamingAPI
import NacosRemote

/// Ephemeral registrations (`InstanceRequest`, `registerInstance`) from naming connections: each lane keeps
/// one request in flight, cycling over `serviceCount` services, either as fast as the server answers
/// (closed loop) or paced to a target rate over all lanes.
///
/// A connection's register replaces its own instance of that service, so after one pass the registry
/// holds `services × connections` instances and stops growing.
struct RegistrationLoad: Sendable {
    /// The connections that register.
    let clients: [NacosRpcClient]
    /// Requests in flight per connection (lanes per connection).
    let inFlight: Int
    /// Service names, `<prefix>-0` … `<prefix>-<count-1>`.
    let serviceNames: [String]
    /// Registrations per second over all lanes, or `nil` for as fast as possible.
    let targetRate: Double?
    /// Whether lanes keep latency samples while the recorder measures.
    let recordsLatency: Bool

    /// The most latency samples kept over all lanes (4 bytes each).
    private static let sampleLimit = 16 * 1024 * 1024

    /// Creates the load for `clients`, registering into services `<servicePrefix>-<i>`.
    init(clients: [NacosRpcClient], inFlight: Int, servicePrefix: String, serviceCount: Int, targetRate: Double?, recordsLatency: Bool) {
        self.clients = clients
        self.inFlight = inFlight
        self.serviceNames = (0..<serviceCount).map { "\(servicePrefix)-\($0)" }
        self.targetRate = targetRate
        self.recordsLatency = recordsLatency
    }

    /// Starts one task per lane; they run until `recorder` stops (its measurement ends or a lane fails),
    /// and each hands back its latency samples (nanoseconds).
    func start(recorder: RpcLoadRecorder) -> [Task<[UInt32], Never>] {
        let lanes = self.clients.count * self.inFlight
        let sampleLimit = Self.sampleLimit / max(1, lanes)
        let period: Duration? = self.targetRate.flatMap { rate in
            rate > 0 && lanes > 0 ? .nanoseconds(Int64(Double(lanes) / rate * 1e9)) : nil
        }
        var tasks: [Task<[UInt32], Never>] = []
        for (index, client) in self.clients.enumerated() {
            let instance = Instance(ip: NamingClientFactory.clientIp(index), port: 8080, metadata: ["version": "1.0.0"])
            for lane in 0..<self.inFlight {
                // Spread the lanes over the services so that they do not move in step.
                let first = (index &* 7919 &+ lane &* 104_729) % self.serviceNames.count
                let names = self.serviceNames
                let recordsLatency = self.recordsLatency
                tasks.append(
                    Task {
                        await Self.lane(
                            client,
                            instance: instance,
                            names: names,
                            first: first,
                            period: period,
                            recorder: recorder,
                            recordsLatency: recordsLatency,
                            sampleLimit: sampleLimit
                        )
                    }
                )
            }
        }
        return tasks
    }

    /// The request one lane sends to register `instance` into `service`.
    static func request(_ instance: Instance, service: String) -> InstanceRequest {
        InstanceRequest(
            namespace: "public",
            serviceName: service,
            groupName: "DEFAULT_GROUP",
            type: InstanceRequest.registerType,
            instance: instance
        )
    }

    private static func lane(
        _ client: NacosRpcClient,
        instance: Instance,
        names: [String],
        first: Int,
        period: Duration?,
        recorder: RpcLoadRecorder,
        recordsLatency: Bool,
        sampleLimit: Int
    ) async -> [UInt32] {
        let clock = ContinuousClock()
        var samples: [UInt32] = []
        var next = clock.now
        if let period {
            // A random phase, so that paced lanes do not fire together.
            next = next.advanced(by: period * Double.random(in: 0..<1))
        }
        var serviceIndex = first
        while !recorder.isStopping {
            if let period {
                let now = clock.now
                if next > now {
                    try? await Task.sleep(until: next, clock: clock)
                } else if now - next > period * 8 {
                    next = now  // far behind (the server is saturated): do not burst to catch up
                }
                next = next.advanced(by: period)
            }
            let request = Self.request(instance, service: names[serviceIndex])
            serviceIndex = serviceIndex + 1 == names.count ? 0 : serviceIndex + 1
            let start = MonotonicClock.nanoseconds()
            do {
                let response = try await client.request(request)
                guard response is InstanceResponse, response.success else {
                    recorder.fail("\(client.configuration.name): \(response.typeName) with error code \(response.errorCode): \(response.message ?? "")")
                    break
                }
            } catch {
                if !recorder.isStopping { recorder.fail("\(client.configuration.name) failed: \(error)") }
                break
            }
            let latency = MonotonicClock.nanoseconds() &- start
            recorder.completed()
            if recordsLatency, recorder.isMeasuring, samples.count < sampleLimit {
                samples.append(UInt32(clamping: latency))
            }
        }
        return samples
    }
}
