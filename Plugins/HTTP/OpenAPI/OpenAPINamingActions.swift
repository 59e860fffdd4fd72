import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport

/// The naming operations behind the v1 and v2 endpoints, shared by both: each reads its parameters the
/// way Nacos's controllers do, calls the registry, and returns a value the route encodes.
struct OpenAPINamingActions: Sendable {
    let context: OpenAPIContext

    var registry: NamingRegistry { self.context.registry }

    /// The lightest instance weight accepted.
    static let minWeight = 0.0
    /// The heaviest instance weight accepted.
    static let maxWeight = 10_000.0
    /// Nacos's answer to a weight outside `minWeight...maxWeight` (`HttpRequestInstanceBuilder.setWeight`).
    static let weightOutOfRange = OpenAPIError(
        .badRequest,
        .weightError,
        "instance format invalid: The weights range from \(OpenAPINamingActions.minWeight) to \(OpenAPINamingActions.maxWeight)"
    )

    // MARK: - Instances

    /// Builds the instance a write names (Nacos's `HttpRequestInstanceBuilder`).
    func instance(from parameters: OpenAPIParameters, service: Service, defaultEphemeral: Bool) throws(OpenAPIError) -> Instance {
        let ip = try parameters.required("ip")
        let port = try parameters.requiredInt("port")
        let cluster = NamingDefaults.cluster(parameters.cluster)
        let metadata = try parameters.metadata() ?? [:]
        if let reason = NamingParamCheck.ip(ip) ?? NamingParamCheck.port(port) ?? NamingParamCheck.cluster(cluster)
            ?? NamingParamCheck.metadata(metadata, limit: self.registry.configuration.maxMetadataLength)
        {
            throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
        }
        let weight = try parameters.double("weight", default: 1) ?? 1
        guard (Self.minWeight...Self.maxWeight).contains(weight) else { throw Self.weightOutOfRange }
        let instance = Instance(
            ip: ip,
            port: port,
            weight: weight,
            healthy: try parameters.bool("healthy", default: true),
            enabled: try parameters.bool(anyOf: ["enabled", "enable"], default: true),
            ephemeral: try parameters.bool("ephemeral", default: defaultEphemeral),
            clusterName: cluster,
            serviceName: service.groupedServiceName,
            metadata: metadata
        )
        if let reason = instance.illegalReason {
            throw OpenAPIError(.badRequest, .instanceError, reason)
        }
        return instance
    }

    /// `POST /instance`: registers an ip:port instance, ephemeral (kept by beats) or persistent.
    func register(_ parameters: OpenAPIParameters) async throws -> Instance {
        let switches = self.registry.switches.current
        let ephemeral = try parameters.bool("ephemeral", default: switches.defaultInstanceEphemeral)
        let service = try parameters.service(ephemeral: ephemeral)
        let instance = try self.instance(from: parameters, service: service, defaultEphemeral: ephemeral)
        if ephemeral {
            try self.registry.operations.registerIpPortInstance(instance, service: service)
        } else {
            try await self.registry.operations.registerPersistentInstance(instance, service: service)
        }
        return instance
    }

    /// `DELETE /instance`: removes the ip:port instance (ephemeral unless `ephemeral=false`); unknown is a no-op.
    func deregister(_ parameters: OpenAPIParameters) async throws {
        let ephemeral = try parameters.bool("ephemeral", default: true)
        let service = try parameters.service(ephemeral: ephemeral)
        let instance = try self.instance(from: parameters, service: service, defaultEphemeral: ephemeral)
        if ephemeral {
            self.registry.operations.deregisterIpPortInstance(instance, service: service)
        } else {
            try await self.registry.operations.deregisterPersistentInstance(instance, service: service)
        }
    }

    /// `PUT /instance`: writes the instance's enabled, weight and metadata as its overlay.
    func update(_ parameters: OpenAPIParameters) async throws {
        let switches = self.registry.switches.current
        let ephemeral = try parameters.bool("ephemeral", default: switches.defaultInstanceEphemeral)
        let service = try parameters.service(ephemeral: ephemeral)
        let instance = try self.instance(from: parameters, service: service, defaultEphemeral: ephemeral)
        try await Self.coding(.instanceError) { () async throws(NacosException) in
            try await self.registry.instanceOperator.updateInstance(instance, service: service)
        }
    }

    /// `PATCH /instance`: merges the given metadata, weight and enabled into the instance's overlay.
    func patch(_ parameters: OpenAPIParameters) async throws {
        let service = try parameters.service()
        let ip = try parameters.required("ip")
        let port = try parameters.requiredInt("port", range: NamingParamCheck.portRange)
        let weight = try parameters.double("weight", default: nil)
        if let weight, !(Self.minWeight...Self.maxWeight).contains(weight) { throw Self.weightOutOfRange }
        let enabled: Bool? = parameters.optional(anyOf: "enabled", "enable") == nil
            ? nil : try parameters.bool(anyOf: ["enabled", "enable"], default: true)
        try await self.registry.instanceOperator.patchInstance(
            service: service,
            ip: ip,
            port: port,
            cluster: NamingDefaults.cluster(parameters.cluster),
            metadata: try parameters.metadata(),
            weight: weight,
            enabled: enabled
        )
    }

    /// `GET /instance`: one instance with its overlay applied.
    func detail(_ parameters: OpenAPIParameters) throws -> (Service, Instance) {
        let service = try parameters.service()
        let ip = try parameters.required("ip")
        let port = try parameters.requiredInt("port", range: NamingParamCheck.portRange)
        let instance = try self.registry.instanceOperator.instance(
            of: service,
            ip: ip,
            port: port,
            cluster: NamingDefaults.cluster(parameters.cluster)
        )
        return (service, instance)
    }

    /// `GET /instance/list`: the service's enabled instances (healthy only when asked), registering a 1.x
    /// UDP subscriber when `udpPort` > 0 and its agent supports UDP push.
    func list(_ parameters: OpenAPIParameters, request: HTTPRequest, clustersParameter: String) throws -> ServiceInfo {
        let service = try parameters.service()
        let clusterText = parameters.optional(clustersParameter) ?? ""
        if let reason = NamingParamCheck.clusters(clusterText) {
            throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
        }
        let healthyOnly = try parameters.bool("healthyOnly", default: false)
        let udpPort = try parameters.int("udpPort", default: 0, range: NamingParamCheck.portRange)
        let switches = self.registry.switches.current
        var cacheMillis = Int64(switches.defaultCacheMillis)
        let agent = request.headers["User-Agent"] ?? request.headers["Client-Version"] ?? ""
        let clientIP = parameters.optional("clientIP") ?? request.remoteAddress?.host ?? ""
        if udpPort > 0, !clientIP.isEmpty {
            if let reason = NamingParamCheck.ip(clientIP) {
                throw OpenAPIError.invalid("Param 'clientIP' is illegal: \(reason)")
            }
            let subscribed = try self.registry.instanceOperator.subscribeUdp(
                service: service,
                clientIP: clientIP,
                udpPort: udpPort,
                clusters: clusterText,
                agent: agent,
                app: parameters.optional("app") ?? "unknown"
            )
            if subscribed { cacheMillis = Int64(switches.defaultPushCacheMillis) }
        }
        var info = self.registry.storage.serviceInfo(
            of: service,
            clusters: NamingDefaults.clusterList(clusterText),
            healthyOnly: healthyOnly,
            now: self.registry.clock.nowMillis()
        )
        info.name = service.groupedServiceName
        info.groupName = service.group
        info.clusters = clusterText
        info.cacheMillis = cacheMillis
        return info
    }

    /// `PUT /instance/beat`: a 1.x heartbeat, light (ip and port only) or with the full `beat` JSON. As in
    /// Nacos's `InstanceController.beat`, the beat JSON's ip, port and (non-blank) cluster win over the
    /// `ip`, `port` and `clusterName` parameters.
    func beat(_ parameters: OpenAPIParameters) throws -> BeatResult {
        let service = try parameters.service()
        var ip = parameters.optional("ip")
        var port = try parameters.int("port", default: 0)
        var cluster = parameters.cluster
        var beatInfo: Instance?
        if let beatText = parameters.optional("beat") {
            do {
                let object = try NacosJSONParser.parseObject(NacosByteBuffer(string: beatText))
                if let beatIP = try object.string("ip"), !beatIP.isBlank { ip = beatIP }
                if let beatPort = try object.integer("port") { port = beatPort }
                if let beatCluster = try object.string("cluster"), !beatCluster.isBlank { cluster = beatCluster }
                beatInfo = Instance(
                    ip: ip ?? "",
                    port: port,
                    weight: try object.double("weight") ?? 1,
                    healthy: true,
                    enabled: true,
                    ephemeral: true,
                    clusterName: NamingDefaults.cluster(cluster),
                    serviceName: service.groupedServiceName,
                    metadata: try object.stringMap("metadata") ?? [:]
                )
            } catch {
                throw OpenAPIError.invalid("Param 'beat' is not a valid beat JSON: \(error)")
            }
        }
        guard let ip else { throw OpenAPIError.missing("ip") }
        let clusterName = NamingDefaults.cluster(cluster)
        if let reason = NamingParamCheck.ip(ip) ?? NamingParamCheck.port(port) ?? NamingParamCheck.cluster(clusterName) {
            throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
        }
        return try self.registry.instanceOperator.beat(service: service, ip: ip, port: port, cluster: clusterName, beatInfo: beatInfo)
    }

    /// `PUT /health`: sets the health of a persistent instance whose cluster has no active health check.
    func setHealth(_ parameters: OpenAPIParameters) async throws {
        let service = try parameters.service(ephemeral: false)
        let ip = try parameters.required("ip")
        let port = try parameters.requiredInt("port", range: NamingParamCheck.portRange)
        guard parameters.optional(anyOf: "healthy", "valid") != nil else { throw OpenAPIError.missing("healthy") }
        let healthy = try parameters.bool(anyOf: ["healthy", "valid"], default: true)
        try await self.registry.instanceOperator.setPersistentInstanceHealth(
            service: service,
            ip: ip,
            port: port,
            cluster: NamingDefaults.cluster(parameters.cluster),
            healthy: healthy
        )
    }

    /// `PUT /cluster`: sets how a cluster's persistent instances are health-checked and its metadata
    /// (Nacos's `ClusterController.update`): `clusterName`, `checkPort`, `useInstancePort4Check` and
    /// `healthChecker` (`{"type":"TCP"|"HTTP"|"MYSQL"|"NONE",…}`) are required.
    func updateCluster(_ parameters: OpenAPIParameters) async throws {
        let clusterName = try parameters.required("clusterName")
        let service = try parameters.service()
        if let reason = NamingParamCheck.cluster(clusterName) {
            throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
        }
        let checkPort = try parameters.requiredInt("checkPort", range: NamingParamCheck.portRange)
        _ = try parameters.required("useInstancePort4Check")
        let useInstancePort = try parameters.bool("useInstancePort4Check", default: true)
        let checkerText = try parameters.required("healthChecker")
        let type: HealthCheckType
        do {
            let checker = try NacosJSONParser.parseObject(NacosByteBuffer(string: checkerText))
            guard let name = try checker.string("type"), let named = HealthCheckType(named: name) else {
                throw OpenAPIError.invalid("Param 'healthChecker' has an unknown type, expected one of TCP, HTTP, MYSQL, NONE.")
            }
            type = named
        } catch let error as OpenAPIError {
            throw error
        } catch {
            throw OpenAPIError.invalid("Param 'healthChecker' is not a valid JSON object: \(error)")
        }
        let metadata = ClusterMetadata(
            healthCheckType: type,
            healthCheckPort: checkPort,
            useInstancePortForCheck: useInstancePort,
            extendData: try parameters.metadata() ?? [:]
        )
        try await Self.coding(.serviceNotExist) { () async throws(NacosException) in
            try await self.registry.serviceOperator.updateCluster(clusterName, of: service, metadata: metadata)
        }
    }

    // MARK: - Services

    /// The service metadata a create or update carries.
    func serviceMetadata(_ parameters: OpenAPIParameters, ephemeral: Bool, existing: ServiceMetadata?) throws -> ServiceMetadata {
        var metadata = existing ?? ServiceMetadata()
        if let threshold = try parameters.double("protectThreshold", default: nil) {
            guard (0...1).contains(threshold) else {
                throw OpenAPIError.invalid("Param 'protectThreshold' must be between 0.0 and 1.0, got \(threshold).")
            }
            metadata.protectThreshold = threshold
        }
        if let extendData = try parameters.metadata() {
            metadata.extendData = extendData
        }
        if let selector = parameters.optional("selector") {
            metadata.selector = try Self.selector(selector)
        }
        metadata.ephemeral = ephemeral
        return metadata
    }

    /// The selector types a service may name (Nacos's `NoneSelector` and `LabelSelector`).
    static let selectorTypes: Set<String> = [ServiceSelector.noneType, "label"]

    /// Parses a `selector` parameter, `{"type":"none"}` or `{"type":"label","expression":"…"}` (Nacos's
    /// `ServiceController.parseSelector`).
    static func selector(_ text: String) throws(OpenAPIError) -> ServiceSelector {
        let object: NacosJSONObject
        let type: String?
        let expression: String?
        do {
            object = try NacosJSONParser.parseObject(NacosByteBuffer(string: text))
            type = try object.string("type")
            expression = try object.string("expression")
        } catch {
            throw OpenAPIError(.badRequest, .selectorError, "Param 'selector' is not a valid selector JSON: \(error)")
        }
        guard let type, Self.selectorTypes.contains(type) else {
            throw OpenAPIError(.badRequest, .selectorError, "not match any type of selector!")
        }
        return ServiceSelector(type: type, expression: expression)
    }

    /// `POST /service`.
    func createService(_ parameters: OpenAPIParameters) async throws {
        let ephemeral = try parameters.bool("ephemeral", default: false)
        let service = try parameters.service(ephemeral: ephemeral)
        let metadata = try self.serviceMetadata(parameters, ephemeral: ephemeral, existing: nil)
        try await Self.coding(.serviceAlreadyExist) { () async throws(NacosException) in
            try await self.registry.serviceOperator.createService(service, metadata: metadata)
        }
    }

    /// `PUT /service`.
    func updateService(_ parameters: OpenAPIParameters, requireThreshold: Bool) async throws {
        let service = try parameters.service()
        if requireThreshold { _ = try parameters.required("protectThreshold") }
        let existing = self.registry.services.metadata(of: service)
        let ephemeral = existing?.ephemeral ?? self.registry.services.existingSingleton(for: service)?.ephemeral ?? true
        let metadata = try self.serviceMetadata(parameters, ephemeral: ephemeral, existing: existing)
        try await Self.coding(.serviceNotExist) { () async throws(NacosException) in
            try await self.registry.serviceOperator.updateService(service, metadata: metadata)
        }
    }

    /// `DELETE /service`.
    func deleteService(_ parameters: OpenAPIParameters) async throws {
        let service = try parameters.service()
        let exists = self.registry.services.existingSingleton(for: service) != nil
        try await Self.coding(exists ? .serviceDeleteFailure : .serviceNotExist) { () async throws(NacosException) in
            try await self.registry.serviceOperator.deleteService(service)
        }
    }

    /// `GET /service`.
    func serviceDetail(_ parameters: OpenAPIParameters) throws -> ServiceDetail {
        let service = try parameters.service()
        return try Self.coding(.serviceNotExist) { () throws(NacosException) in
            try self.registry.serviceOperator.serviceDetail(service)
        }
    }

    /// `GET /service/list`: one page of the names in a namespace and group.
    func listServices(_ parameters: OpenAPIParameters, defaultPageSize: Int?) throws -> (count: Int, names: [String]) {
        let maxPageSize = self.registry.configuration.maxServiceListPageSize
        let pageNo: Int
        let pageSize: Int
        if let defaultPageSize {
            pageNo = try parameters.int("pageNo", default: 1, range: 1...Int.max)
            pageSize = try parameters.int("pageSize", default: defaultPageSize, range: 1...maxPageSize)
        } else {
            pageNo = try parameters.requiredInt("pageNo", range: 1...Int.max)
            pageSize = try parameters.requiredInt("pageSize", range: 1...maxPageSize)
        }
        let group = parameters.optional("groupName") ?? NamingDefaults.group
        if let reason = NamingParamCheck.namespace(parameters.namespace) ?? NamingParamCheck.groupName(group) {
            throw OpenAPIError.invalid(NamingParamCheck.message(for: reason))
        }
        return self.registry.serviceOperator.listServices(namespace: parameters.namespace, group: group, pageNo: pageNo, pageSize: pageSize)
    }

    /// `GET /service/subscribers`.
    func subscribers(_ parameters: OpenAPIParameters) throws -> (count: Int, subscribers: [Subscriber]) {
        let service = try parameters.service()
        let pageNo = try parameters.int("pageNo", default: 1, range: 1...Int.max)
        let pageSize = try parameters.int("pageSize", default: 1000, range: 1...self.registry.configuration.maxServiceListPageSize)
        _ = try parameters.bool("aggregation", default: true)
        return self.registry.serviceOperator.subscribers(of: service, pageNo: pageNo, pageSize: pageSize)
    }

    /// Runs a registry call whose 400 errors carry `code` in the v2 envelope (Nacos's `NacosApiException`
    /// detail codes such as `SERVICE_NOT_EXIST`); other errors are translated as usual.
    static func coding<Result>(_ code: OpenAPIErrorCode, _ body: () throws(NacosException) -> Result) throws(OpenAPIError) -> Result {
        do {
            return try body()
        } catch {
            var translated = OpenAPIError(error)
            if translated.status == .badRequest { translated.code = code }
            throw translated
        }
    }

    /// `coding(_:_:)` for a registry call that awaits a durable write.
    static func coding<Result>(_ code: OpenAPIErrorCode, _ body: () async throws(NacosException) -> Result) async throws(OpenAPIError) -> Result {
        do {
            return try await body()
        } catch {
            var translated = OpenAPIError(error)
            if translated.status == .badRequest { translated.code = code }
            throw translated
        }
    }

    // MARK: - Operator

    /// `PUT /operator/switches`: changes one switch.
    func updateSwitch(_ parameters: OpenAPIParameters) async throws {
        let entry = try parameters.required("entry")
        let value = try parameters.required("value")
        try await self.registry.updateSwitch(entry: entry, value: value)
    }
}
