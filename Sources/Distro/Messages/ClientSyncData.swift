public import NacosNaming
public import NacosRemote
import NacosNamingAPI
import NacosTransport

/// Everything one client publishes, as a member replicates it (Nacos's `ClientSyncData`, reference
/// §7.4): the client id, its revision (in `attributes.clientAttributes.revision`), parallel lists of
/// namespace, group, service name and single publication, and the batch publications.
///
/// Every service in sync data is ephemeral. Client attributes other than the revision are not kept.
public struct ClientSyncData: Sendable, Equatable, NacosFastJSONCodable {
    /// The client id: a connection id or `ip:port#true`.
    public var clientId: String
    /// The client's revision on the member that holds it.
    public var revision: Int64
    /// The namespace of each single publication.
    public var namespaces: [String]
    /// The group of each single publication.
    public var groupNames: [String]
    /// The service name (without group) of each single publication.
    public var serviceNames: [String]
    /// The single publications.
    public var instancePublishInfos: [InstancePublishInfo]
    /// The batch publications.
    public var batchInstanceData: BatchInstanceData

    /// Creates sync data from its parallel lists.
    public init(
        clientId: String,
        revision: Int64,
        namespaces: [String] = [],
        groupNames: [String] = [],
        serviceNames: [String] = [],
        instancePublishInfos: [InstancePublishInfo] = [],
        batchInstanceData: BatchInstanceData = BatchInstanceData()
    ) {
        self.clientId = clientId
        self.revision = revision
        self.namespaces = namespaces
        self.groupNames = groupNames
        self.serviceNames = serviceNames
        self.instancePublishInfos = instancePublishInfos
        self.batchInstanceData = batchInstanceData
    }

    /// Creates the sync data of a client's `publications`; beat times and check counts, which do not
    /// travel, are zeroed.
    public init(clientId: String, revision: Int64, publications: [Service: PublishedInstances]) {
        self.init(clientId: clientId, revision: revision)
        for (service, publication) in publications {
            switch publication.mapInstances(Self.resetLocalState) {
            case .single(let info):
                self.namespaces.append(service.namespace)
                self.groupNames.append(service.group)
                self.serviceNames.append(service.name)
                self.instancePublishInfos.append(info)
            case .batch(let batch):
                self.batchInstanceData.namespaces.append(service.namespace)
                self.batchInstanceData.groupNames.append(service.group)
                self.batchInstanceData.serviceNames.append(service.name)
                self.batchInstanceData.batchInstancePublishInfos.append(batch)
            }
        }
    }

    /// The publications by (ephemeral) service; an entry without an instance id gets the generated one
    /// (`ip#port#cluster#group@@service`). A later entry for the same service wins; entries past the end
    /// of a shorter parallel list are ignored.
    public var publications: [Service: PublishedInstances] {
        var result: [Service: PublishedInstances] = [:]
        result.reserveCapacity(self.instancePublishInfos.count + self.batchInstanceData.batchInstancePublishInfos.count)
        let batches = self.batchInstanceData
        let batchCount = min(batches.namespaces.count, batches.groupNames.count, batches.serviceNames.count, batches.batchInstancePublishInfos.count)
        for index in 0..<batchCount {
            let service = Service(namespace: batches.namespaces[index], group: batches.groupNames[index], name: batches.serviceNames[index])
            var batch = batches.batchInstancePublishInfos[index]
            for item in batch.instances.indices { Self.fillInstanceId(&batch.instances[item], service: service) }
            result[service] = .batch(batch)
        }
        for index in 0..<min(self.namespaces.count, self.groupNames.count, self.serviceNames.count, self.instancePublishInfos.count) {
            let service = Service(namespace: self.namespaces[index], group: self.groupNames[index], name: self.serviceNames[index])
            var info = self.instancePublishInfos[index]
            Self.fillInstanceId(&info, service: service)
            result[service] = .single(info)
        }
        return result
    }

    /// How many instances the data holds, batches expanded.
    public var instanceCount: Int {
        self.instancePublishInfos.count + self.batchInstanceData.batchInstancePublishInfos.reduce(0) { $0 + $1.instances.count }
    }

    /// Reads sync data from a parsed JSON object.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when `clientId` is missing, the parallel lists differ
    ///   in length, or an entry is malformed.
    public init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
        self.init(clientId: "", revision: 0)
        for (key, value) in object.members {
            switch key {
            case "clientId": self.clientId = try DistroJSONRead.string(value, key) ?? ""
            case "attributes":
                let attributes = try DistroJSONRead.object(value, key)
                guard let clientAttributes = try attributes?.object("clientAttributes") else { continue }
                if let revision = clientAttributes["revision"] {
                    self.revision = try DistroJSONRead.integer(revision, "revision") ?? 0
                }
            case "namespaces": self.namespaces = try DistroJSONRead.strings(value, key)
            case "groupNames": self.groupNames = try DistroJSONRead.strings(value, key)
            case "serviceNames": self.serviceNames = try DistroJSONRead.strings(value, key)
            case "instancePublishInfos": self.instancePublishInfos = try Self.publishInfos(value, key)
            case "batchInstanceData":
                guard let batch = try DistroJSONRead.object(value, key) else { continue }
                self.batchInstanceData = try BatchInstanceData(jsonObject: batch)
            default: continue
            }
        }
        guard !self.clientId.isEmpty else { throw NacosRemoteError(.malformedBody, "clientId: missing") }
        let count = self.namespaces.count
        guard self.groupNames.count == count, self.serviceNames.count == count, self.instancePublishInfos.count == count else {
            throw NacosRemoteError(.malformedBody, "namespaces, groupNames, serviceNames and instancePublishInfos differ in length")
        }
    }

    /// Reads an array of publish infos.
    static func publishInfos(_ value: NacosJSONValue, _ key: String) throws(NacosRemoteError) -> [InstancePublishInfo] {
        let elements = try DistroJSONRead.array(value, key)
        var infos: [InstancePublishInfo] = []
        infos.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(let object) = element else { throw DistroJSONRead.mismatch(key, "an array of objects", element) }
            infos.append(try InstancePublishInfo(distroJSON: object))
        }
        return infos
    }

    /// Writes the sync data as Nacos's JSON.
    public func writeJSON(to writer: inout NacosJSONWriter) {
        writer.object { writer in
            writer.field("clientId", self.clientId)
            writer.key("attributes")
            writer.object { writer in
                writer.key("clientAttributes")
                writer.object { writer in writer.field("revision", self.revision) }
            }
            Self.writeStrings("namespaces", self.namespaces, to: &writer)
            Self.writeStrings("groupNames", self.groupNames, to: &writer)
            Self.writeStrings("serviceNames", self.serviceNames, to: &writer)
            writer.key("instancePublishInfos")
            writer.array { writer in
                for info in self.instancePublishInfos { info.writeDistroJSON(to: &writer) }
            }
            writer.key("batchInstanceData")
            self.batchInstanceData.writeJSON(to: &writer)
        }
    }

    /// The JSON bytes of the sync data.
    public func jsonBytes() -> [UInt8] {
        var writer = NacosJSONWriter(capacity: 256 + self.instanceCount * 160)
        self.writeJSON(to: &writer)
        return writer.bytes
    }

    /// Reads sync data from JSON bytes.
    ///
    /// - Throws: `NacosRemoteError` (`malformedBody`) when the bytes are not valid sync data.
    public init(jsonBytes: [UInt8]) throws(NacosRemoteError) {
        try self.init(jsonObject: try NacosJSONParser.parseObject(NacosByteBuffer(bytes: jsonBytes)))
    }

    /// Writes member `name` as an array of strings.
    static func writeStrings(_ name: String, _ values: [String], to writer: inout NacosJSONWriter) {
        writer.key(name)
        writer.array { writer in
            for value in values { writer.string(value) }
        }
    }

    private static func resetLocalState(_ info: inout InstancePublishInfo) {
        info.lastHeartBeatTime = 0
        info.consecutiveOppositeChecks = 0
    }

    private static func fillInstanceId(_ info: inout InstancePublishInfo, service: Service) {
        guard info.instanceId.isEmpty else { return }
        info.instanceId = Instance.generatedInstanceId(
            ip: info.ip,
            port: info.port,
            clusterName: info.cluster,
            groupedServiceName: service.groupedServiceName
        )
    }
}
