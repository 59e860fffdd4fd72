import Foundation
import NacosDistro
import NacosNaming
import NacosNamingAPI
import NacosRemote
import NacosTransport
import Testing

/// The Distro wire messages: base64 content, the request and response on both JSON paths, and the
/// Nacos-shaped client data inside them (reference §7.4).
@Suite("Distro messages")
struct DistroMessagesTests {
    // MARK: - Base64

    @Test("base64 encodes the RFC 4648 vectors and decodes them padded and unpadded")
    func base64Vectors() throws {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(DistroBase64.encodeString(Array(plain.utf8)) == encoded)
            #expect(try DistroBase64.decode(encoded) == Array(plain.utf8))
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            #expect(try DistroBase64.decode(unpadded) == Array(plain.utf8))
        }
    }

    @Test("base64 agrees with Foundation on every length and every byte value")
    func base64AgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = DistroBase64.encodeString(bytes)
            #expect(encoded == Data(bytes).base64EncodedString())
            #expect(try DistroBase64.decode(encoded) == bytes)
            #expect(try DistroBase64.decode(bytes: Array(encoded.utf8)) == bytes)
        }
        let all = (0...255).map(UInt8.init)
        #expect(try DistroBase64.decode(DistroBase64.encodeString(all)) == all)
    }

    @Test(
        "bad base64 is rejected with an error",
        arguments: ["Z", "Zm9vY", "Zg=", "Zm9v!", "Zm 9v", "Z=g=", "Zm9vYg===", "====", "Zg==Zg==", "Zm9\u{e9}", "Zm9v\n"]
    )
    func base64Rejects(_ text: String) {
        #expect(throws: NacosRemoteError.self) { try DistroBase64.decode(text) }
    }

    // MARK: - Request and response

    static func sampleRequest() -> DistroDataRequest {
        let data = ClientSyncData(
            clientId: "1700000000000_10.0.0.5_51234",
            revision: 3,
            publications: [Service(namespace: "ns", group: "G", name: "svc"): .single(Self.info("10.0.0.5", 8080, weight: 2.5))]
        )
        var request = DistroDataRequest(
            distroData: DistroData(
                distroKey: DistroKey(resourceKey: data.clientId, targetServer: "10.0.0.2:8848"),
                type: .change,
                content: data.jsonBytes()
            ),
            dataOperation: .change
        )
        request.headers = ["k": "v"]
        return request
    }

    @Test("DistroDataRequest and DistroDataResponse: module cluster, both JSON paths agree and round-trip")
    func requestAndResponseRoundTrip() throws {
        #expect(DistroDataRequest.typeName == "DistroDataRequest")
        #expect(DistroDataRequest.module.rawValue == "cluster")
        #expect(DistroDataResponse.typeName == "DistroDataResponse")
        let request = Self.sampleRequest()
        try Self.agree(request)
        try Self.agree(DistroDataRequest())
        try Self.agree(DistroDataResponse(distroData: DistroData(distroKey: DistroKey(resourceKey: "SNAPSHOT"), type: nil, content: [1, 2, 3])))
        var failed = DistroDataResponse()
        failed.resultCode = 500
        failed.errorCode = 500
        failed.message = "[DISTRO-FAILED] distro data verify failed"
        try Self.agree(failed)

        let body = try NacosJSON.encode(request)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesArray)) as? [String: Any])
        #expect(json["module"] as? String == "cluster")
        #expect(json["dataOperation"] as? String == "CHANGE")
        let distroData = try #require(json["distroData"] as? [String: Any])
        #expect(distroData["type"] as? String == "CHANGE")
        let content = try #require(distroData["content"] as? String)
        #expect(Data(base64Encoded: content).map(Array.init) == request.distroData?.content)
        #expect(try NacosJSON.decode(DistroDataRequest.self, from: body) == request)
    }

    @Test("a request without or with an unknown dataOperation, or with content that is not base64, does not decode")
    func requestRejects() {
        let bodies = [
            #"{"headers":{},"module":"cluster"}"#,
            #"{"dataOperation":"MERGE"}"#,
            #"{"dataOperation":"ADD","distroData":{"distroKey":{"resourceKey":"c"},"type":"ADD","content":"not base64!"}}"#,
            #"{"dataOperation":"ADD","distroData":{"distroKey":{"resourceKey":"c"},"type":"BOGUS","content":""}}"#,
        ]
        for body in bodies {
            #expect(throws: NacosRemoteError.self, "\(body)") {
                try NacosJSON.decode(DistroDataRequest.self, from: NacosByteBuffer(string: body))
            }
            #expect(throws: (any Error).self, "\(body)") {
                try JSONDecoder().decode(DistroDataRequest.self, from: Data(body.utf8))
            }
        }
    }

    // MARK: - Client data

    /// A Nacos 2.x sync request as Jackson writes it (reference §7.4), written by hand: a single
    /// publication with weight, enabled flag and instance id inside `extendDatum`, a batch, and the
    /// ignorable `metadataId` / `lastHeartBeatTime`.
    static let nacosClientSyncData = """
        {"clientId":"10.0.0.7:8080#true",
         "attributes":{"clientAttributes":{"revision":1234567890123}},
         "namespaces":["public"],"groupNames":["DEFAULT_GROUP"],"serviceNames":["orders"],
         "instancePublishInfos":[{"ip":"10.0.0.7","port":8080,"healthy":true,"cluster":"c1",
           "extendDatum":{"customInstanceId":"10.0.0.7#8080#c1#DEFAULT_GROUP@@orders","publishInstanceWeight":2.0,
             "publishInstanceEnable":false,"zone":"a","version":3},
           "metadataId":"10.0.0.7:8080:c1","lastHeartBeatTime":1700000000000}],
         "batchInstanceData":{"namespaces":["dev"],"groupNames":["G"],"serviceNames":["batch"],
           "batchInstancePublishInfos":[{"port":0,"healthy":false,"metadataId":"null:0:null",
             "instancePublishInfos":[{"ip":"10.0.0.8","port":1,"healthy":false,"cluster":"DEFAULT","extendDatum":{}},
                                     {"ip":"10.0.0.9","port":2,"healthy":true,"extendDatum":{"publishInstanceWeight":"0.5"}}]}]}}
        """

    @Test("a Nacos-shaped ClientSyncData decodes: weight, enabled and id out of extendDatum, metadata without them")
    func nacosShapedClientSyncData() throws {
        let data = try ClientSyncData(jsonBytes: Array(Self.nacosClientSyncData.utf8))
        #expect(data.clientId == "10.0.0.7:8080#true")
        #expect(data.revision == 1_234_567_890_123)
        let publications = data.publications
        #expect(publications.count == 2)
        let orders = try #require(publications[Service(namespace: "public", group: "DEFAULT_GROUP", name: "orders")])
        guard case .single(let info) = orders else {
            Issue.record("orders is not a single publication")
            return
        }
        #expect(info.ip == "10.0.0.7" && info.port == 8080 && info.healthy && info.cluster == "c1")
        #expect(info.instanceId == "10.0.0.7#8080#c1#DEFAULT_GROUP@@orders")
        #expect(info.weight == 2.0)
        #expect(!info.enabled)
        #expect(info.metadata == ["zone": "a", "version": "3"])

        let batch = try #require(publications[Service(namespace: "dev", group: "G", name: "batch")])
        guard case .batch(let batchInfo) = batch else {
            Issue.record("batch is not a batch publication")
            return
        }
        #expect(batchInfo.instances.map(\.address) == ["10.0.0.8:1", "10.0.0.9:2"])
        #expect(batchInfo.instances.map(\.healthy) == [false, true])
        #expect(batchInfo.instances[1].weight == 0.5)
        #expect(batchInfo.instances[1].cluster == "DEFAULT")
        // No customInstanceId: the generated id.
        #expect(batchInfo.instances[1].instanceId == "10.0.0.9#2#DEFAULT#G@@batch")
        #expect(batchInfo.instances.allSatisfy { $0.metadata.isEmpty })
    }

    @Test("Nacos's empty batchInstanceData ({}) and a missing one both read as no batch")
    func emptyBatchData() throws {
        let withEmpty = #"{"clientId":"c-1","attributes":{"clientAttributes":{}},"namespaces":[],"groupNames":[],"serviceNames":[],"instancePublishInfos":[],"batchInstanceData":{}}"#
        let data = try ClientSyncData(jsonBytes: Array(withEmpty.utf8))
        #expect(data.revision == 0)
        #expect(data.publications.isEmpty)
        #expect(data.batchInstanceData.isEmpty)
        #expect(try ClientSyncData(jsonBytes: Array(#"{"clientId":"c-2"}"#.utf8)).publications.isEmpty)
    }

    @Test("ClientSyncData round-trips through its JSON; extendDatum is written as Nacos writes it")
    func clientSyncDataRoundTrip() throws {
        var disabled = Self.info("10.0.0.1", 80, weight: 0.25)
        disabled.enabled = false
        disabled.metadata = ["a": "b \"quoted\""]
        let publications: [Service: PublishedInstances] = [
            Service(namespace: nil, group: nil, name: "one"): .single(disabled),
            Service(namespace: "ns", group: "G", name: "two"): .batch(BatchInstancePublishInfo(instances: [Self.info("10.0.0.2", 1), Self.info("10.0.0.3", 2)])),
            Service(namespace: "ns", group: "G", name: "three"): .single(Self.info("10.0.0.4", 3)),
        ]
        let data = ClientSyncData(clientId: "conn-1", revision: 42, publications: publications)
        let decoded = try ClientSyncData(jsonBytes: data.jsonBytes())
        #expect(decoded == data)
        #expect(decoded.publications == publications.mapValues { $0.mapInstances { $0.lastHeartBeatTime = 0 } })

        let json = try #require(try JSONSerialization.jsonObject(with: Data(data.jsonBytes())) as? [String: Any])
        let attributes = try #require((json["attributes"] as? [String: Any])?["clientAttributes"] as? [String: Any])
        #expect(attributes["revision"] as? Int == 42)
        let serviceNames = try #require(json["serviceNames"] as? [String])
        let infos = try #require(json["instancePublishInfos"] as? [[String: Any]])
        let oneIndex = try #require(serviceNames.firstIndex(of: "one"))
        let datum = try #require(infos[oneIndex]["extendDatum"] as? [String: Any])
        #expect(datum["publishInstanceWeight"] as? Double == 0.25)
        #expect(datum["publishInstanceEnable"] as? Bool == false)
        #expect(datum["customInstanceId"] as? String == disabled.instanceId)
        #expect(datum["a"] as? String == "b \"quoted\"")
        let threeIndex = try #require(serviceNames.firstIndex(of: "three"))
        let plainDatum = try #require(infos[threeIndex]["extendDatum"] as? [String: Any])
        #expect(plainDatum["publishInstanceWeight"] == nil && plainDatum["publishInstanceEnable"] == nil)

        // Metadata under a reserved key never overrides the field it would name.
        var shadowing = Self.info("10.0.0.5", 5)
        shadowing.metadata = ["customInstanceId": "shadowed", "publishInstanceWeight": "9", "publishInstanceEnable": "false"]
        let shadowed = ClientSyncData(clientId: "c", revision: 1, publications: [Service(namespace: nil, group: nil, name: "s"): .single(shadowing)])
        let read = try #require(try ClientSyncData(jsonBytes: shadowed.jsonBytes()).instancePublishInfos.first)
        #expect(read.instanceId == shadowing.instanceId && read.weight == 1 && read.enabled && read.metadata.isEmpty)
    }

    @Test("client data with parallel lists of different lengths, no client id or a bad weight is rejected")
    func clientSyncDataRejects() {
        let bodies = [
            #"{"clientId":"c","namespaces":["a","b"],"groupNames":["g"],"serviceNames":["s"],"instancePublishInfos":[{}]}"#,
            #"{"clientId":"c","batchInstanceData":{"namespaces":["a"],"groupNames":["g"],"serviceNames":["s"],"batchInstancePublishInfos":[]}}"#,
            #"{"namespaces":[]}"#,
            #"{"clientId":"c","namespaces":["a"],"groupNames":["g"],"serviceNames":["s"],"instancePublishInfos":[{"extendDatum":{"publishInstanceWeight":"heavy"}}]}"#,
            #"{"clientId":"c","namespaces":["a"],"groupNames":["g"],"serviceNames":["s"],"instancePublishInfos":[{"extendDatum":{"publishInstanceEnable":7}}]}"#,
            #"["not","an","object"]"#,
            #"{"clientId":"c","#,
        ]
        for body in bodies {
            #expect(throws: NacosRemoteError.self, "\(body)") { try ClientSyncData(jsonBytes: Array(body.utf8)) }
        }
    }

    @Test("a snapshot round-trips; its JSON is {clientSyncDataList: [...]}")
    func snapshotRoundTrip() throws {
        let snapshot = ClientSyncDatumSnapshot(clientSyncDataList: [
            ClientSyncData(clientId: "a", revision: 1, publications: [Service(namespace: nil, group: nil, name: "s"): .single(Self.info("10.0.0.1", 1))]),
            ClientSyncData(clientId: "10.0.0.2:2#true", revision: 99, publications: [:]),
        ])
        #expect(try ClientSyncDatumSnapshot(jsonBytes: snapshot.jsonBytes()) == snapshot)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.jsonBytes())) as? [String: Any])
        #expect((json["clientSyncDataList"] as? [Any])?.count == 2)
        #expect(try ClientSyncDatumSnapshot(jsonBytes: Array("{}".utf8)).clientSyncDataList.isEmpty)
    }

    @Test("verify content: Nacos's single object, our array of them, and the failed ids answer")
    func verifyInfos() throws {
        let single = DistroClientVerifyInfo(clientId: "conn-1", revision: 7)
        #expect(String(decoding: single.jsonBytes(), as: UTF8.self) == #"{"clientId":"conn-1","revision":7}"#)
        #expect(try DistroClientVerifyInfo(jsonBytes: single.jsonBytes()) == single)
        #expect(try DistroClientVerifyInfo.decodeList(single.jsonBytes()) == [single])
        #expect(!DistroClientVerifyInfo.isList(single.jsonBytes()))

        let list = [single, DistroClientVerifyInfo(clientId: "10.0.0.1:80#true", revision: 0)]
        let encoded = DistroClientVerifyInfo.encodeList(list)
        #expect(DistroClientVerifyInfo.isList(encoded))
        #expect(DistroClientVerifyInfo.isList(Array("  [".utf8)))
        #expect(try DistroClientVerifyInfo.decodeList(encoded) == list)
        #expect(try DistroClientVerifyInfo.decodeList(Array(#"{"clientId":"x","revision":"12"}"#.utf8)) == [DistroClientVerifyInfo(clientId: "x", revision: 12)])

        let failed = ["a", "b\"c"]
        #expect(try DistroClientVerifyInfo.decodeFailedClientIds(DistroClientVerifyInfo.encodeFailedClientIds(failed)) == failed)
        #expect(try DistroClientVerifyInfo.decodeFailedClientIds(DistroClientVerifyInfo.encodeFailedClientIds([])) == [])

        for bad in [#"[1,2]"#, #""text""#, #"{"revision":1}"#, #"[{"clientId":"a"},3]"#, "["] {
            #expect(throws: NacosRemoteError.self, "\(bad)") { try DistroClientVerifyInfo.decodeList(Array(bad.utf8)) }
        }
        #expect(throws: NacosRemoteError.self) { try DistroClientVerifyInfo.decodeFailedClientIds(Array(#"[1]"#.utf8)) }
        #expect(throws: NacosRemoteError.self) { try DistroClientVerifyInfo.decodeFailedClientIds(Array(#"{}"#.utf8)) }
    }

    // MARK: - Helpers

    static func info(_ ip: String, _ port: Int, weight: Double = 1.0, cluster: String = "DEFAULT") -> InstancePublishInfo {
        let instance = Instance(
            ip: ip,
            port: port,
            weight: weight,
            clusterName: cluster,
            metadata: ["k": "v"],
            instanceId: "\(ip)#\(port)#\(cluster)#DEFAULT_GROUP@@svc"
        )
        return InstancePublishInfo(instance: instance, now: 0)
    }

    /// The fast and the Codable JSON of `value` are the same object, and each path reads back the value.
    static func agree<T: NacosFastJSONCodable & Codable & Equatable>(_ value: T) throws {
        var writer = NacosJSONWriter()
        value.writeJSON(to: &writer)
        let fast = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary)
        let slow = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? NSDictionary)
        #expect(fast == slow, "\(T.self) encodes differently")
        #expect(try T(jsonObject: NacosJSONParser.parseObject(writer.buffer)) == value, "\(T.self) does not round-trip")
        #expect(try JSONDecoder().decode(T.self, from: Data(writer.bytes)) == value, "\(T.self) decodes differently")
    }
}
