public import NacosNaming
import NacosRemote

extension ClientSyncData {
    /// The batch publications of a client (Nacos's `BatchInstanceData`): parallel lists of namespace,
    /// group, service name and batch, one entry per service.
    public struct BatchInstanceData: Sendable, Equatable {
        /// The namespace of each batch.
        public var namespaces: [String]
        /// The group of each batch.
        public var groupNames: [String]
        /// The service name (without group) of each batch.
        public var serviceNames: [String]
        /// The batches, each `{instancePublishInfos: [...]}` on the wire.
        public var batchInstancePublishInfos: [BatchInstancePublishInfo]

        /// Creates batch data from its parallel lists.
        public init(
            namespaces: [String] = [],
            groupNames: [String] = [],
            serviceNames: [String] = [],
            batchInstancePublishInfos: [BatchInstancePublishInfo] = []
        ) {
            self.namespaces = namespaces
            self.groupNames = groupNames
            self.serviceNames = serviceNames
            self.batchInstancePublishInfos = batchInstancePublishInfos
        }

        /// Whether there is no batch.
        public var isEmpty: Bool { self.namespaces.isEmpty && self.batchInstancePublishInfos.isEmpty }

        /// Reads batch data; missing lists read as empty (Nacos sends `{}` when a client has no batch).
        ///
        /// - Throws: `NacosRemoteError` (`malformedBody`) when the lists differ in length or an entry is malformed.
        init(jsonObject object: NacosJSONObject) throws(NacosRemoteError) {
            self.init()
            for (key, value) in object.members {
                switch key {
                case "namespaces": self.namespaces = try DistroJSONRead.strings(value, key)
                case "groupNames": self.groupNames = try DistroJSONRead.strings(value, key)
                case "serviceNames": self.serviceNames = try DistroJSONRead.strings(value, key)
                case "batchInstancePublishInfos":
                    let elements = try DistroJSONRead.array(value, key)
                    var batches: [BatchInstancePublishInfo] = []
                    batches.reserveCapacity(elements.count)
                    for element in elements {
                        guard case .object(let batch) = element else { throw DistroJSONRead.mismatch(key, "an array of objects", element) }
                        let infos = try batch["instancePublishInfos"].map { value throws(NacosRemoteError) in
                            try ClientSyncData.publishInfos(value, "instancePublishInfos")
                        }
                        batches.append(BatchInstancePublishInfo(instances: infos ?? []))
                    }
                    self.batchInstancePublishInfos = batches
                default: continue
                }
            }
            let count = self.namespaces.count
            guard self.groupNames.count == count, self.serviceNames.count == count, self.batchInstancePublishInfos.count == count else {
                throw NacosRemoteError(
                    .malformedBody,
                    "batchInstanceData: namespaces, groupNames, serviceNames and batchInstancePublishInfos differ in length"
                )
            }
        }

        /// Writes the batch data with every list, empty ones included.
        func writeJSON(to writer: inout NacosJSONWriter) {
            writer.object { writer in
                ClientSyncData.writeStrings("namespaces", self.namespaces, to: &writer)
                ClientSyncData.writeStrings("groupNames", self.groupNames, to: &writer)
                ClientSyncData.writeStrings("serviceNames", self.serviceNames, to: &writer)
                writer.key("batchInstancePublishInfos")
                writer.array { writer in
                    for batch in self.batchInstancePublishInfos {
                        writer.object { writer in
                            writer.key("instancePublishInfos")
                            writer.array { writer in
                                for info in batch.instances { info.writeDistroJSON(to: &writer) }
                            }
                        }
                    }
                }
            }
        }
    }
}
