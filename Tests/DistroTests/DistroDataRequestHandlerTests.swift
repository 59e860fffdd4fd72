import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import Testing

/// The cluster handler of `DistroDataRequest` (reference §7.3–7.4): each operation, and the texts of
/// its failures.
@Suite("DistroDataRequest handler")
struct DistroDataRequestHandlerTests {
    static let service = Service(namespace: nil, group: nil, name: "orders")
    static let meta = NacosRequestMeta(connectionId: "cluster-conn", clientIp: "10.0.0.2")

    static func request(_ operation: DataOperation, key: String, content: [UInt8], type: String = DistroKey.clientDataType) -> DistroDataRequest {
        DistroDataRequest(
            distroData: DistroData(distroKey: DistroKey(resourceKey: key, resourceType: type, targetServer: "10.0.0.2:8848"), type: operation, content: content),
            dataOperation: operation
        )
    }

    static func syncData(_ clientId: String, revision: Int64 = 1) -> ClientSyncData {
        ClientSyncData(clientId: clientId, revision: revision, publications: [Self.service: .single(DistroRegistryFixture.info("10.0.0.1", 80))])
    }

    static func expectFailed(_ response: DistroDataResponse, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!response.success, sourceLocation: sourceLocation)
        #expect(response.resultCode == 500, sourceLocation: sourceLocation)
        #expect(response.errorCode == 500, sourceLocation: sourceLocation)
        #expect(response.message == message, sourceLocation: sourceLocation)
    }

    @Test("ADD and CHANGE apply the client data; DELETE removes the client")
    func syncOperations() async throws {
        let fixture = DistroRegistryFixture()
        let handler = DistroDataRequestHandler(processor: fixture.processor)
        let added = try await handler.handle(Self.request(.add, key: "peer-1", content: Self.syncData("peer-1").jsonBytes()), meta: Self.meta)
        #expect(added.success && added.distroData == nil)
        #expect(fixture.registry.storage.instances(of: Self.service).map(\.ip) == ["10.0.0.1"])

        let changed = ClientSyncData(clientId: "peer-1", revision: 2, publications: [:])
        #expect(try await handler.handle(Self.request(.change, key: "peer-1", content: changed.jsonBytes()), meta: Self.meta).success)
        #expect(fixture.registry.storage.instances(of: Self.service).isEmpty)
        #expect(fixture.registry.clients.client("peer-1")?.revision == 2)

        #expect(try await handler.handle(Self.request(.delete, key: "peer-1", content: []), meta: Self.meta).success)
        #expect(fixture.registry.clients.client("peer-1") == nil)
    }

    @Test("missing data, another resource type or content that is not client data: [DISTRO-FAILED] distro data handle failed")
    func handleFailures() async throws {
        let fixture = DistroRegistryFixture()
        let handler = DistroDataRequestHandler(processor: fixture.processor)
        #expect(DistroDataRequestHandler.handleFailedMessage == "[DISTRO-FAILED] distro data handle failed")
        let failing = [
            DistroDataRequest(distroData: nil, dataOperation: .add),
            DistroDataRequest(distroData: nil, dataOperation: .delete),
            DistroDataRequest(distroData: nil, dataOperation: .query),
            Self.request(.change, key: "peer-2", content: Array("not json".utf8)),
            Self.request(.add, key: "peer-2", content: Array(#"{"clientId":"peer-2","namespaces":["a"]}"#.utf8)),
            Self.request(.add, key: "peer-2", content: Self.syncData("peer-2").jsonBytes(), type: "Nacos:Naming:v1:Other"),
            Self.request(.delete, key: "", content: []),
        ]
        for request in failing {
            Self.expectFailed(try await handler.handle(request, meta: Self.meta), DistroDataRequestHandler.handleFailedMessage)
        }
        #expect(fixture.registry.clients.client("peer-2") == nil)
    }

    @Test("VERIFY of Nacos's single claim: success, or [DISTRO-FAILED] distro data verify failed")
    func singleVerify() async throws {
        let fixture = DistroRegistryFixture()
        let handler = DistroDataRequestHandler(processor: fixture.processor)
        fixture.processor.apply(Self.syncData("peer-3", revision: 4))
        #expect(DistroDataRequestHandler.verifyFailedMessage == "[DISTRO-FAILED] distro data verify failed")

        let matching = DistroClientVerifyInfo(clientId: "peer-3", revision: 4).jsonBytes()
        let passed = try await handler.handle(Self.request(.verify, key: "peer-3", content: matching), meta: Self.meta)
        #expect(passed.success && passed.distroData == nil)

        for content in [
            DistroClientVerifyInfo(clientId: "peer-3", revision: 5).jsonBytes(),
            DistroClientVerifyInfo(clientId: "unknown", revision: 0).jsonBytes(),
            Array("{}".utf8),
            Array("garbage".utf8),
        ] {
            let response = try await handler.handle(Self.request(.verify, key: "peer-3", content: content), meta: Self.meta)
            Self.expectFailed(response, DistroDataRequestHandler.verifyFailedMessage)
        }
        Self.expectFailed(try await handler.handle(DistroDataRequest(distroData: nil, dataOperation: .verify), meta: Self.meta), DistroDataRequestHandler.verifyFailedMessage)
    }

    @Test("VERIFY of a batch succeeds and answers the failed client ids as a JSON array")
    func batchVerify() async throws {
        let fixture = DistroRegistryFixture()
        let handler = DistroDataRequestHandler(processor: fixture.processor)
        fixture.processor.apply(Self.syncData("peer-4", revision: 4))
        fixture.processor.apply(Self.syncData("peer-5", revision: 5))
        let claims = [
            DistroClientVerifyInfo(clientId: "peer-4", revision: 4),
            DistroClientVerifyInfo(clientId: "peer-5", revision: 6),
            DistroClientVerifyInfo(clientId: "peer-6", revision: 0),
        ]
        let response = try await handler.handle(Self.request(.verify, key: "VERIFY", content: DistroClientVerifyInfo.encodeList(claims)), meta: Self.meta)
        #expect(response.success)
        let data = try #require(response.distroData)
        #expect(data.type == .verify)
        #expect(try DistroClientVerifyInfo.decodeFailedClientIds(data.content) == ["peer-5", "peer-6"])

        let allGood = try await handler.handle(Self.request(.verify, key: "VERIFY", content: DistroClientVerifyInfo.encodeList(Array(claims.prefix(1)))), meta: Self.meta)
        #expect(try DistroClientVerifyInfo.decodeFailedClientIds(try #require(allGood.distroData).content) == [])
    }

    @Test("SNAPSHOT answers every ephemeral client; QUERY one client's data, or no data for an unknown one")
    func snapshotAndQuery() async throws {
        let fixture = DistroRegistryFixture()
        let handler = DistroDataRequestHandler(processor: fixture.processor)
        fixture.processor.apply(Self.syncData("peer-7", revision: 7))
        try fixture.registry.operations.registerIpPortInstance(Instance(ip: "10.0.0.9", port: 90), service: Self.service)

        let snapshot = try await handler.handle(DistroDataRequest(), meta: Self.meta)
        #expect(snapshot.success)
        let snapshotData = try #require(snapshot.distroData)
        #expect(snapshotData.type == .snapshot)
        #expect(snapshotData.distroKey == DistroKey(resourceKey: "SNAPSHOT", resourceType: DistroKey.clientDataType))
        let clients = try ClientSyncDatumSnapshot(jsonBytes: snapshotData.content).clientSyncDataList
        #expect(Set(clients.map(\.clientId)) == ["peer-7", "10.0.0.9:90#true"])

        let query = try await handler.handle(Self.request(.query, key: "peer-7", content: []), meta: Self.meta)
        let queried = try ClientSyncData(jsonBytes: try #require(query.distroData).content)
        #expect(queried.clientId == "peer-7" && queried.revision == 7)
        #expect(queried.publications[Self.service]?.instances.map(\.address) == ["10.0.0.1:80"])

        let unknown = try await handler.handle(Self.request(.query, key: "nobody", content: []), meta: Self.meta)
        #expect(unknown.success && unknown.distroData == nil)

        // The answer survives the wire.
        let body = try NacosJSON.encode(snapshot)
        #expect(try NacosJSON.decode(DistroDataResponse.self, from: body) == snapshot)
    }
}
