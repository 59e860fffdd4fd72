public import NacosRemote
public import NacosTransport

/// Answers `DistroDataRequest` on the cluster port (Nacos's `DistroDataRequestHandler`, reference §7.3–7.4):
///
/// - ADD / CHANGE apply the client data in the content; DELETE removes the client named by the key;
/// - VERIFY checks Nacos's single claim (failure: 500 `[DISTRO-FAILED] distro data verify failed`) or a
///   JSON array of claims (success, with the JSON array of the failed client ids as content);
/// - SNAPSHOT answers every ephemeral client; QUERY answers one client's data (none when unknown). A
///   QUERY whose key names the asking member (`targetServer`, our extension) first waits, bounded, for a
///   sync of that client to that member still in flight (`awaitSyncInFlight`), so that the older data it
///   carries never lands after the answer.
///
/// Data that is missing, of another resource type, or does not decode is answered with 500
/// `[DISTRO-FAILED] distro data handle failed`.
public struct DistroDataRequestHandler: NacosRequestHandler {
    /// The message of a failed single VERIFY.
    public static let verifyFailedMessage = "[DISTRO-FAILED] distro data verify failed"
    /// The message of data that could not be handled.
    public static let handleFailedMessage = "[DISTRO-FAILED] distro data handle failed"

    private let processor: DistroClientDataProcessor
    private let awaitSyncInFlight: (@Sendable (_ clientId: String, _ member: String) async -> Void)?
    private let logger: NacosLogger

    /// Creates the handler over `processor`; `awaitSyncInFlight` (bounded) returns once no sync of a
    /// client to a member is in flight (`DistroProtocol.waitForSyncInFlight`), `nil` to answer queries at once.
    public init(
        processor: DistroClientDataProcessor,
        awaitSyncInFlight: (@Sendable (_ clientId: String, _ member: String) async -> Void)? = nil,
        logger: NacosLogger = NacosLogger(label: "nacos.distro")
    ) {
        self.processor = processor
        self.awaitSyncInFlight = awaitSyncInFlight
        self.logger = logger
    }

    /// Handles one Distro request from the member described by `meta`.
    public func handle(_ request: DistroDataRequest, meta: NacosRequestMeta) async throws -> DistroDataResponse {
        switch request.dataOperation {
        case .add, .change:
            guard let data = self.clientData(request) else { return self.handleFailed(request, meta: meta) }
            do {
                self.processor.apply(try ClientSyncData(jsonBytes: data.content))
            } catch {
                self.logger.warning("bad Distro \(request.dataOperation.rawValue) content from \(meta.clientIp): \(error.message)")
                return self.handleFailed(request, meta: meta)
            }
            return DistroDataResponse()
        case .delete:
            guard let data = self.clientData(request), !data.distroKey.resourceKey.isEmpty else {
                return self.handleFailed(request, meta: meta)
            }
            self.processor.remove(clientId: data.distroKey.resourceKey)
            return DistroDataResponse()
        case .verify:
            return self.verify(request, meta: meta)
        case .snapshot:
            let content = self.processor.snapshot().jsonBytes()
            let key = DistroKey(resourceKey: DataOperation.snapshot.rawValue)
            return DistroDataResponse(distroData: DistroData(distroKey: key, type: .snapshot, content: content))
        case .query:
            guard let data = self.clientData(request) else { return self.handleFailed(request, meta: meta) }
            if let awaitSyncInFlight = self.awaitSyncInFlight, let asker = data.distroKey.targetServer, !asker.isEmpty {
                await awaitSyncInFlight(data.distroKey.resourceKey, asker)
            }
            guard let syncData = self.processor.syncData(clientId: data.distroKey.resourceKey) else { return DistroDataResponse() }
            return DistroDataResponse(distroData: DistroData(distroKey: data.distroKey, type: .query, content: syncData.jsonBytes()))
        }
    }

    private func verify(_ request: DistroDataRequest, meta: NacosRequestMeta) -> DistroDataResponse {
        guard let data = self.clientData(request) else {
            return Self.failed(Self.verifyFailedMessage)
        }
        let infos: [DistroClientVerifyInfo]
        do {
            infos = try DistroClientVerifyInfo.decodeList(data.content)
        } catch {
            self.logger.warning("bad Distro VERIFY content from \(meta.clientIp): \(error.message)")
            return Self.failed(Self.verifyFailedMessage)
        }
        let failed = self.processor.verify(infos)
        guard DistroClientVerifyInfo.isList(data.content) else {
            return failed.isEmpty ? DistroDataResponse() : Self.failed(Self.verifyFailedMessage)
        }
        let content = DistroClientVerifyInfo.encodeFailedClientIds(failed)
        return DistroDataResponse(distroData: DistroData(distroKey: data.distroKey, type: .verify, content: content))
    }

    /// The request's data when it is naming client data.
    private func clientData(_ request: DistroDataRequest) -> DistroData? {
        guard let data = request.distroData, data.distroKey.resourceType == DistroKey.clientDataType else { return nil }
        return data
    }

    private func handleFailed(_ request: DistroDataRequest, meta: NacosRequestMeta) -> DistroDataResponse {
        self.logger.warning("[DISTRO-FAILED] cannot handle Distro \(request.dataOperation.rawValue) from \(meta.clientIp)")
        return Self.failed(Self.handleFailedMessage)
    }

    private static func failed(_ message: String) -> DistroDataResponse {
        var response = DistroDataResponse()
        response.resultCode = NacosResponseCode.fail
        response.errorCode = NacosResponseCode.fail
        response.message = message
        return response
    }
}
