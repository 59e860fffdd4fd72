import NacosNamingAPI
import NacosRemote
import NacosStore
import NacosTransport

/// Writes and reads the registry's store records: keys are JSON arrays of their parts (so that no name
/// can make two keys collide), values JSON objects with every field spelled out.
enum NamingStoreCodec {
    /// A persistent instance as stored.
    struct InstanceRecord: Equatable {
        var service: Service
        var info: InstancePublishInfo
    }

    /// A service's metadata as stored.
    struct ServiceRecord: Equatable {
        var service: Service
        var metadata: ServiceMetadata
    }

    /// An instance overlay as stored.
    struct OverlayRecord: Equatable {
        var service: Service
        var metadataId: String
        var metadata: InstanceMetadata
    }

    // MARK: - Mutations

    static func put(_ service: Service, instance info: InstancePublishInfo) -> NacosStoreMutation {
        .put(NamingStoreKind.instance, Self.key([service.namespace, service.group, service.name, info.address]), Self.encode(InstanceRecord(service: service, info: info)))
    }

    static func deleteInstance(_ service: Service, address: String) -> NacosStoreMutation {
        .delete(NamingStoreKind.instance, Self.key([service.namespace, service.group, service.name, address]))
    }

    static func put(_ service: Service, metadata: ServiceMetadata) -> NacosStoreMutation {
        .put(NamingStoreKind.service, Self.key([service.namespace, service.group, service.name]), Self.encode(ServiceRecord(service: service, metadata: metadata)))
    }

    static func deleteService(_ service: Service) -> NacosStoreMutation {
        .delete(NamingStoreKind.service, Self.key([service.namespace, service.group, service.name]))
    }

    static func put(_ service: Service, metadataId: String, overlay: InstanceMetadata) -> NacosStoreMutation {
        .put(
            NamingStoreKind.instanceMetadata,
            Self.key([service.namespace, service.group, service.name, metadataId]),
            Self.encode(OverlayRecord(service: service, metadataId: metadataId, metadata: overlay))
        )
    }

    static func deleteOverlay(_ service: Service, metadataId: String) -> NacosStoreMutation {
        .delete(NamingStoreKind.instanceMetadata, Self.key([service.namespace, service.group, service.name, metadataId]))
    }

    static func put(_ namespace: Namespace) -> NacosStoreMutation {
        .put(NamingStoreKind.namespace, namespace.id, Self.encode(namespace))
    }

    static func deleteNamespace(_ id: String) -> NacosStoreMutation {
        .delete(NamingStoreKind.namespace, id)
    }

    static func put(switchOverrides: [(entry: String, value: String)]) -> NacosStoreMutation {
        var writer = NacosJSONWriter(capacity: 256)
        writer.object { json in
            json.key("overrides")
            json.array { list in
                for override in switchOverrides {
                    list.object { item in
                        item.field("entry", override.entry)
                        item.field("value", override.value)
                    }
                }
            }
        }
        return .put(NamingStoreKind.switches, NamingStoreKind.switchesKey, writer.bytes)
    }

    // MARK: - Encoding

    private static func key(_ parts: [String]) -> String {
        var writer = NacosJSONWriter(capacity: 64)
        writer.array { list in for part in parts { list.string(part) } }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func writeService(_ service: Service, to json: inout NacosJSONWriter) {
        json.field("namespace", service.namespace)
        json.field("group", service.group)
        json.field("name", service.name)
        json.field("ephemeral", service.ephemeral)
    }

    static func encode(_ record: InstanceRecord) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 256)
        writer.object { json in
            Self.writeService(record.service, to: &json)
            json.field("ip", record.info.ip)
            json.field("port", record.info.port)
            json.field("cluster", record.info.cluster)
            json.field("instanceId", record.info.instanceId)
            json.field("weight", record.info.weight)
            json.field("enabled", record.info.enabled)
            json.field("healthy", record.info.healthy)
            json.key("metadata")
            json.stringMap(record.info.metadata)
        }
        return writer.bytes
    }

    static func encode(_ record: ServiceRecord) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 256)
        let metadata = record.metadata
        writer.object { json in
            Self.writeService(record.service, to: &json)
            json.field("metadataEphemeral", metadata.ephemeral)
            json.field("protectThreshold", metadata.protectThreshold)
            json.key("extendData")
            json.stringMap(metadata.extendData)
            json.key("selector")
            json.object { selector in
                selector.field("type", metadata.selector.type)
                selector.field("expression", metadata.selector.expression)
            }
            json.key("clusters")
            json.object { clusters in
                for (name, cluster) in metadata.clusters.sorted(by: { $0.key < $1.key }) {
                    clusters.key(name)
                    clusters.object { item in
                        item.field("healthCheckType", cluster.healthCheckType.rawValue)
                        item.field("healthCheckPort", cluster.healthCheckPort)
                        item.field("useInstancePortForCheck", cluster.useInstancePortForCheck)
                        item.key("extendData")
                        item.stringMap(cluster.extendData)
                    }
                }
            }
        }
        return writer.bytes
    }

    static func encode(_ record: OverlayRecord) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 192)
        writer.object { json in
            Self.writeService(record.service, to: &json)
            json.field("metadataId", record.metadataId)
            json.field("enabled", record.metadata.enabled)
            json.field("weight", record.metadata.weight)
            json.key("extendData")
            json.stringMap(record.metadata.extendData)
        }
        return writer.bytes
    }

    static func encode(_ namespace: Namespace) -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 128)
        writer.object { json in
            json.field("namespace", namespace.id)
            json.field("namespaceShowName", namespace.name)
            json.field("namespaceDesc", namespace.description)
            json.field("quota", namespace.quota)
            json.field("type", namespace.kind.rawValue)
        }
        return writer.bytes
    }

    // MARK: - Decoding

    private static func object(_ bytes: [UInt8]) throws(NacosRemoteError) -> NacosJSONObject {
        try NacosJSONParser.parseObject(NacosByteBuffer(bytes: bytes))
    }

    private static func required<Value>(_ value: Value?, _ key: String) throws(NacosRemoteError) -> Value {
        guard let value else { throw NacosRemoteError(.malformedBody, "the stored record has no '\(key)'") }
        return value
    }

    private static func service(_ object: NacosJSONObject) throws(NacosRemoteError) -> Service {
        Service(
            namespace: try Self.required(object.string("namespace"), "namespace"),
            group: try Self.required(object.string("group"), "group"),
            name: try Self.required(object.string("name"), "name"),
            ephemeral: try object.bool("ephemeral") ?? false
        )
    }

    static func instance(_ bytes: [UInt8]) throws(NacosRemoteError) -> InstanceRecord {
        let object = try Self.object(bytes)
        let instance = Instance(
            ip: try Self.required(object.string("ip"), "ip"),
            port: try Self.required(object.integer("port"), "port"),
            weight: try object.double("weight") ?? 1,
            healthy: try object.bool("healthy") ?? true,
            enabled: try object.bool("enabled") ?? true,
            ephemeral: false,
            clusterName: try object.string("cluster"),
            metadata: try object.stringMap("metadata") ?? [:],
            instanceId: try object.string("instanceId")
        )
        return InstanceRecord(service: try Self.service(object), info: InstancePublishInfo(instance: instance, now: 0))
    }

    static func service(_ bytes: [UInt8]) throws(NacosRemoteError) -> ServiceRecord {
        let object = try Self.object(bytes)
        var clusters: [String: ClusterMetadata] = [:]
        if let clusterObject = try object.object("clusters") {
            for member in clusterObject.members {
                guard case .object(let item) = member.value else { continue }
                clusters[member.key] = ClusterMetadata(
                    healthCheckType: HealthCheckType(named: try item.string("healthCheckType") ?? "TCP") ?? .tcp,
                    healthCheckPort: try item.integer("healthCheckPort") ?? 80,
                    useInstancePortForCheck: try item.bool("useInstancePortForCheck") ?? true,
                    extendData: try item.stringMap("extendData") ?? [:]
                )
            }
        }
        let selector = try object.object("selector")
        let metadata = ServiceMetadata(
            protectThreshold: try object.double("protectThreshold") ?? 0,
            extendData: try object.stringMap("extendData") ?? [:],
            ephemeral: try object.bool("metadataEphemeral") ?? false,
            selector: ServiceSelector(type: try selector?.string("type") ?? ServiceSelector.noneType, expression: try selector?.string("expression")),
            clusters: clusters
        )
        return ServiceRecord(service: try Self.service(object), metadata: metadata)
    }

    static func overlay(_ bytes: [UInt8]) throws(NacosRemoteError) -> OverlayRecord {
        let object = try Self.object(bytes)
        return OverlayRecord(
            service: try Self.service(object),
            metadataId: try Self.required(object.string("metadataId"), "metadataId"),
            metadata: InstanceMetadata(
                enabled: try object.bool("enabled") ?? true,
                weight: try object.double("weight") ?? 1,
                extendData: try object.stringMap("extendData") ?? [:]
            )
        )
    }

    static func namespace(_ bytes: [UInt8]) throws(NacosRemoteError) -> Namespace {
        let object = try Self.object(bytes)
        return Namespace(
            id: try Self.required(object.string("namespace"), "namespace"),
            name: try object.string("namespaceShowName") ?? "",
            description: try object.string("namespaceDesc") ?? "",
            quota: try object.integer("quota") ?? Namespace.defaultQuota,
            kind: Namespace.Kind(rawValue: try object.integer("type") ?? 2) ?? .custom
        )
    }

    static func switchOverrides(_ bytes: [UInt8]) throws(NacosRemoteError) -> [(entry: String, value: String)] {
        let object = try Self.object(bytes)
        return try object.objects("overrides") { (item: NacosJSONObject) throws(NacosRemoteError) -> (entry: String, value: String) in
            (try Self.required(item.string("entry"), "entry"), try item.string("value") ?? "")
        } ?? []
    }
}
