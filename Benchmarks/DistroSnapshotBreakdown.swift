import NacosDistro
import NacosNaming
import NacosRemote
import NacosTransport

/// The steps of a snapshot load timed one by one on this thread, outside the cluster: what node A does to
/// answer (collect the clients, write their JSON, wrap it as base64 in the `DistroDataResponse` body) and
/// what node B does with the answer (parse the body and decode the base64, parse the snapshot JSON, apply
/// it to an empty registry). The end-to-end time adds the transfer, the frame codec and the scheduling,
/// and the work the registry's event consumers do on other threads while B applies.
struct DistroSnapshotBreakdown: Sendable {
    /// `DistroClientDataProcessor.snapshot()` on node A: the clients' data collected.
    let collectNanoseconds: UInt64
    /// `ClientSyncDatumSnapshot.jsonBytes()`: the snapshot JSON written.
    let snapshotJSONNanoseconds: UInt64
    /// `DistroDataResponse.writeJSON`: the response body, the content as base64.
    let responseWriteNanoseconds: UInt64
    /// `NacosJSONParser.parseObject` and `DistroDataResponse(jsonObject:)`: the body parsed, the base64 decoded.
    let responseParseNanoseconds: UInt64
    /// `ClientSyncDatumSnapshot(jsonBytes:)`: the snapshot JSON parsed.
    let snapshotParseNanoseconds: UInt64
    /// `DistroClientDataProcessor.applySnapshot` into a fresh, started registry (the calling thread only).
    let applyNanoseconds: UInt64
    /// Bytes of the snapshot JSON.
    let snapshotBytes: Int
    /// Bytes of the response body.
    let responseBytes: Int
    /// Clients in the snapshot.
    let clients: Int

    /// The steps added up.
    var totalNanoseconds: UInt64 {
        self.collectNanoseconds + self.snapshotJSONNanoseconds + self.responseWriteNanoseconds + self.responseParseNanoseconds
            + self.snapshotParseNanoseconds + self.applyNanoseconds
    }

    /// Times each step once with `processor`'s registry as node A.
    ///
    /// - Throws: `BenchmarkError` when a step does not give back what went in.
    static func measure(processor: DistroClientDataProcessor, logger: NacosLogger) async throws -> DistroSnapshotBreakdown {
        var mark = MonotonicClock.nanoseconds()
        func lap() -> UInt64 {
            let now = MonotonicClock.nanoseconds()
            defer { mark = now }
            return now &- mark
        }
        let snapshot = processor.snapshot()
        let collect = lap()
        let content = snapshot.jsonBytes()
        let snapshotJSON = lap()
        let response = DistroDataResponse(
            distroData: DistroData(distroKey: DistroKey(resourceKey: ""), type: .snapshot, content: content)
        )
        var writer = NacosJSONWriter(capacity: content.count / 3 * 4 + 256)
        response.writeJSON(to: &writer)
        let body = writer.bytes
        let responseWrite = lap()
        let parsedResponse = try DistroDataResponse(jsonObject: NacosJSONParser.parseObject(NacosByteBuffer(bytes: body)))
        let responseParse = lap()
        let parsed = try ClientSyncDatumSnapshot(jsonBytes: parsedResponse.distroData?.content ?? [])
        let snapshotParse = lap()
        guard parsed.clientSyncDataList.count == snapshot.clientSyncDataList.count else {
            throw BenchmarkError("the snapshot parsed back holds \(parsed.clientSyncDataList.count) clients, not \(snapshot.clientSyncDataList.count)")
        }

        let group = try NacosEventLoopGroup(numberOfThreads: 1, logger: logger)
        let clock = NacosSystemClock(group: group)
        let connections = NacosConnectionManager(clock: clock, logger: logger)
        let registry = NamingRegistry(configuration: NamingConfiguration(), connectionManager: connections, clock: clock, logger: logger)
        registry.start()
        _ = lap()
        DistroClientDataProcessor(registry: registry, logger: logger).applySnapshot(parsed)
        let apply = lap()
        let applied = registry.clients.connectionClients.clientCount
        registry.shutdown()
        connections.shutdown()
        await group.shutdownGracefully()
        guard applied == parsed.clientSyncDataList.count else {
            throw BenchmarkError("applying the snapshot made \(applied) clients, not \(parsed.clientSyncDataList.count)")
        }
        return DistroSnapshotBreakdown(
            collectNanoseconds: collect,
            snapshotJSONNanoseconds: snapshotJSON,
            responseWriteNanoseconds: responseWrite,
            responseParseNanoseconds: responseParse,
            snapshotParseNanoseconds: snapshotParse,
            applyNanoseconds: apply,
            snapshotBytes: content.count,
            responseBytes: body.count,
            clients: parsed.clientSyncDataList.count
        )
    }
}
