public import NacosTransport
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The server's registry of live client connections (Nacos's `ConnectionManager`): registration with
/// connection limits, counts per client IP and label, the ejector that probes idle connections and moves
/// connections away on request, and the listeners told of every connect and disconnect.
///
/// Registration and unregistration are idempotent. Listeners run outside the lock, in order.
public final class NacosConnectionManager: Sendable {
    private struct State {
        var connections: [String: NacosServerConnection] = [:]
        var countByClientIp: [String: Int] = [:]
        var sdkCount = 0
        var rule: NacosConnectionLimitRule
        var ruleFileContents: [UInt8]?
        var loadClient = -1
        var redirectAddress: String?
        var countByGroup: [NacosConnectionMetrics.Group: Int] = [:]
        var ejectedCount = 0
        var resetCount = 0
        var rejectedCount = 0
        var listeners: [any NacosClientConnectionEventListener] = []
        var tasks: [Task<Void, Never>] = []
    }

    /// The configuration the manager was created with.
    public let configuration: NacosConnectionManagerConfiguration
    private let clock: any NacosClock
    private let logger: NacosLogger
    private let state: Mutex<State>

    /// Creates a manager; call `start()` to run the ejector and the rule-file watcher.
    public init(
        configuration: NacosConnectionManagerConfiguration = NacosConnectionManagerConfiguration(),
        clock: any NacosClock = NacosSystemClock(),
        logger: NacosLogger = NacosLogger(label: "nacos.remote.connections")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(rule: configuration.limitRule))
    }

    // MARK: - Listeners

    /// Adds a listener; listeners are told of connects and disconnects in the order they were added.
    public func addListener(_ listener: any NacosClientConnectionEventListener) {
        self.state.withLock { $0.listeners.append(listener) }
    }

    private func notify(_ connection: NacosServerConnection, connected: Bool) {
        let listeners = self.state.withLock { $0.listeners }
        for listener in listeners {
            do {
                if connected {
                    try listener.clientConnected(connection)
                } else {
                    try listener.clientDisconnected(connection)
                }
            } catch {
                self.logger.error("listener \(listener.name) failed on \(connected ? "connect" : "disconnect") of \(connection.connectionId): \(error)")
            }
        }
    }

    // MARK: - Registration

    /// Why `register(_:)` refused a connection.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        /// The total SDK connection count reached the rule's `countLimit`.
        case totalLimit(Int)
        /// The client IP's connection count reached its limit.
        case clientIpLimit(clientIp: String, limit: Int)
        /// The connection is already closed.
        case connectionClosed

        /// A sentence naming the limit.
        public var description: String {
            switch self {
            case .totalLimit(let limit): "connection count reached the limit of \(limit)"
            case .clientIpLimit(let ip, let limit): "connections from \(ip) reached the limit of \(limit)"
            case .connectionClosed: "the connection is closed"
            }
        }
    }

    /// Registers `connection` and tells the listeners; registering an id again does nothing.
    ///
    /// - Throws: `Rejection` when the connection is closed or a limit of the current rule refuses it
    ///   (cluster connections never are).
    public func register(_ connection: NacosServerConnection) throws(Rejection) {
        guard connection.isConnected else { throw .connectionClosed }
        let meta = connection.meta
        let group = NacosConnectionMetrics.Group(meta: meta)
        let outcome = self.state.withLock { state -> Result<Bool, Rejection> in
            if state.connections[connection.connectionId] != nil { return .success(false) }
            if !meta.isClusterSource {
                if state.rule.countLimit >= 0, state.sdkCount >= state.rule.countLimit {
                    state.rejectedCount += 1
                    return .failure(.totalLimit(state.rule.countLimit))
                }
                let ipLimit = state.rule.limit(forClientIp: meta.clientIp, appName: meta.appName)
                if ipLimit >= 0, state.countByClientIp[meta.clientIp, default: 0] >= ipLimit {
                    state.rejectedCount += 1
                    return .failure(.clientIpLimit(clientIp: meta.clientIp, limit: ipLimit))
                }
            }
            state.connections[connection.connectionId] = connection
            state.countByClientIp[meta.clientIp, default: 0] += 1
            state.countByGroup[group, default: 0] += 1
            if meta.isSdkSource { state.sdkCount += 1 }
            connection.setTraced(state.rule.monitorIpList.contains(meta.clientIp))
            return .success(true)
        }
        switch outcome {
        case .failure(let rejection):
            self.logger.warning("connection \(connection.connectionId) from \(meta.clientIp) rejected: \(rejection)")
            throw rejection
        case .success(let added):
            guard added else { return }
            self.logger.debug("connection registered: \(connection.connectionId) clientIp=\(meta.clientIp) labels=\(meta.labels)")
            self.notify(connection, connected: true)
        }
    }

    /// Removes the connection with `connectionId`, closes it, and tells the listeners; unknown ids do nothing.
    public func unregister(_ connectionId: String) {
        let removed = self.state.withLock { state -> NacosServerConnection? in
            guard let connection = state.connections.removeValue(forKey: connectionId) else { return nil }
            let meta = connection.meta
            let remaining = state.countByClientIp[meta.clientIp, default: 1] - 1
            state.countByClientIp[meta.clientIp] = remaining > 0 ? remaining : nil
            let group = NacosConnectionMetrics.Group(meta: meta)
            let remainingInGroup = state.countByGroup[group, default: 1] - 1
            state.countByGroup[group] = remainingInGroup > 0 ? remainingInGroup : nil
            if meta.isSdkSource { state.sdkCount -= 1 }
            return connection
        }
        guard let removed else { return }
        removed.close()
        self.logger.debug("connection unregistered: \(connectionId)")
        self.notify(removed, connected: false)
    }

    // MARK: - Queries

    /// Whether `connectionId` is registered.
    public func isRegistered(_ connectionId: String) -> Bool {
        self.state.withLock { $0.connections[connectionId] != nil }
    }

    /// The registered connection with `connectionId`, or `nil`.
    public func connection(_ connectionId: String) -> NacosServerConnection? {
        self.state.withLock { $0.connections[connectionId] }
    }

    /// Every registered connection, by id (the loader's `current`).
    public var currentConnections: [String: NacosServerConnection] {
        self.state.withLock { $0.connections }
    }

    /// The registered connections whose client IP is `clientIp`.
    public func connections(forClientIp clientIp: String) -> [NacosServerConnection] {
        self.state.withLock { state in state.connections.values.filter { $0.meta.clientIp == clientIp } }
    }

    /// The number of registered connections.
    public var connectionCount: Int { self.state.withLock { $0.connections.count } }

    /// The number of registered SDK connections (`source=sdk`).
    public var sdkConnectionCount: Int { self.state.withLock { $0.sdkCount } }

    /// The number of registered connections from `clientIp`.
    public func connectionCount(forClientIp clientIp: String) -> Int {
        self.state.withLock { $0.countByClientIp[clientIp, default: 0] }
    }

    /// The number of registered connections carrying every label of `labels` (values compared exactly).
    public func connectionCount(matchingLabels labels: [String: String]) -> Int {
        self.state.withLock { state in
            state.connections.values.count { connection in
                let meta = connection.meta
                return labels.allSatisfy { meta.label($0.key) == $0.value }
            }
        }
    }

    /// How many connections the ejector has removed since start (idle without answering detection).
    public var ejectedConnectionCount: Int { self.state.withLock { $0.ejectedCount } }

    /// The registered connections per source and module label, and the ejection, reset and rejection
    /// counts, taken at one instant.
    public var connectionMetrics: NacosConnectionMetrics {
        self.state.withLock { state in
            NacosConnectionMetrics(
                connectionCounts: state.countByGroup,
                ejectedCount: state.ejectedCount,
                resetCount: state.resetCount,
                rejectedCount: state.rejectedCount
            )
        }
    }

    /// Counts a ConnectResetRequest sent to a client (by the loader or by a server refusing a set-up).
    internal func recordReset() {
        self.state.withLock { $0.resetCount += 1 }
    }

    /// Stamps `connectionId` active now (the server does this for every request it dispatches).
    public func refreshActiveTime(_ connectionId: String) {
        self.connection(connectionId)?.refreshActiveTime()
    }

    // MARK: - Limit rule

    /// The limit rule in force.
    public var limitRule: NacosConnectionLimitRule { self.state.withLock { $0.rule } }

    /// Replaces the limit rule; traced flags of registered connections follow its `monitorIpList`.
    public func applyLimitRule(_ rule: NacosConnectionLimitRule) {
        let connections = self.state.withLock { state -> [NacosServerConnection] in
            state.rule = rule
            return Array(state.connections.values)
        }
        for connection in connections {
            connection.setTraced(rule.monitorIpList.contains(connection.meta.clientIp))
        }
        self.logger.info("connection limit rule applied: countLimit=\(rule.countLimit) perIpDefault=\(rule.countLimitPerClientIpDefault) perIp=\(rule.countLimitPerClientIp) perApp=\(rule.countLimitPerClientApp) monitorIpList=\(rule.monitorIpList.sorted())")
    }

    /// Reads the limit-rule file when its contents changed since the last read and applies it; a missing
    /// file restores the configured rule, an invalid one is logged and the rule in force kept.
    ///
    /// - Returns: whether a new rule was applied.
    @discardableResult
    public func reloadLimitRuleIfChanged() -> Bool {
        guard let path = self.configuration.limitRuleFile else { return false }
        let contents = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) }
        let changed = self.state.withLock { state -> Bool in
            guard state.ruleFileContents != contents else { return false }
            state.ruleFileContents = contents
            return true
        }
        guard changed else { return false }
        guard let contents else {
            self.logger.info("limit rule file \(path) is gone; using the configured rule")
            self.applyLimitRule(self.configuration.limitRule)
            return true
        }
        do {
            let rule = try NacosJSON.decode(NacosConnectionLimitRule.self, from: NacosByteBuffer(bytes: contents))
            self.applyLimitRule(rule)
            return true
        } catch {
            self.logger.error("limit rule file \(path) is invalid, keeping the rule in force: \(error)")
            return false
        }
    }

    // MARK: - Ejector and loader

    /// Probes every connection silent for `keepAliveTime` with ClientDetectionRequest and unregisters those
    /// that do not answer successfully within `detectionTimeout`; then, when `reloadCurrent` asked for it,
    /// moves SDK connections away until at most that many remain. One pass of Nacos's ejector.
    public func ejectOnce() async {
        let now = self.clock.nowMillis()
        let keepAlive = self.configuration.keepAliveTime.wholeMilliseconds
        let outdated = self.state.withLock { state in
            state.connections.values.filter { now - $0.meta.lastActiveTime >= keepAlive }
        }
        if !outdated.isEmpty {
            let timeout = self.configuration.detectionTimeout
            let failed = await withTaskGroup(of: String?.self) { group in
                for connection in outdated {
                    group.addTask {
                        let response = try? await connection.request(ClientDetectionRequest(), timeout: timeout)
                        return response?.success == true ? nil : connection.connectionId
                    }
                }
                var failed: [String] = []
                for await id in group {
                    if let id { failed.append(id) }
                }
                return failed
            }
            for id in failed {
                self.logger.info("ejecting connection \(id): idle and no answer to ClientDetectionRequest")
                if self.isRegistered(id) {
                    self.state.withLock { $0.ejectedCount += 1 }
                }
                self.unregister(id)
            }
        }
        let (loadClient, redirect) = self.state.withLock { state -> (Int, String?) in
            defer {
                state.loadClient = -1
                state.redirectAddress = nil
            }
            return (state.loadClient, state.redirectAddress)
        }
        if loadClient > 0 {
            let excess = self.sdkConnectionCount - loadClient
            if excess > 0 {
                await self.loadCount(excess, redirectAddress: redirect)
            }
        }
    }

    /// Asks the next ejector pass to move SDK connections away until at most `count` remain, to
    /// `redirectAddress` (`ip:port`, the HTTP port) when given (the loader's `reloadCurrent`). As in
    /// Nacos 2.5, a count of 0 or less asks for nothing.
    public func setLoadClient(_ count: Int, redirectAddress: String?) {
        self.state.withLock { state in
            state.loadClient = count
            state.redirectAddress = redirectAddress
        }
    }

    /// Sends ConnectResetRequest to the SDK connection `connectionId`, pointing it at `redirectAddress`
    /// (`ip:port`, the HTTP port) when that contains a colon, and waits up to `resetTimeout` for the
    /// acknowledgement. A connection found closed is unregistered.
    ///
    /// - Returns: whether the client acknowledged the reset.
    @discardableResult
    public func loadSingle(_ connectionId: String, redirectAddress: String?) async -> Bool {
        guard let connection = self.connection(connectionId), connection.meta.isSdkSource else { return false }
        var reset = ConnectResetRequest(connectionId: connectionId)
        if let redirectAddress, let colon = redirectAddress.lastIndex(of: ":") {
            reset.serverIp = String(redirectAddress[..<colon])
            reset.serverPort = String(redirectAddress[redirectAddress.index(after: colon)...])
        }
        self.recordReset()
        do {
            let response = try await connection.request(reset, timeout: self.configuration.resetTimeout)
            return response.success
        } catch let error as NacosRemoteError where error.code == .connectionClosed {
            self.unregister(connectionId)
        } catch {
            self.logger.warning("ConnectResetRequest to \(connectionId) failed: \(error)")
        }
        return false
    }

    /// Resets `count` SDK connections (in no particular order) toward `redirectAddress`, concurrently.
    ///
    /// - Returns: how many clients acknowledged.
    @discardableResult
    public func loadCount(_ count: Int, redirectAddress: String?) async -> Int {
        guard count > 0 else { return 0 }
        let chosen = self.state.withLock { state in
            state.connections.values.filter { $0.meta.isSdkSource }.prefix(count).map(\.connectionId)
        }
        return await withTaskGroup(of: Bool.self) { group in
            for id in chosen {
                group.addTask { await self.loadSingle(id, redirectAddress: redirectAddress) }
            }
            var acknowledged = 0
            for await ok in group where ok { acknowledged += 1 }
            return acknowledged
        }
    }

    // MARK: - Life cycle

    /// Starts the ejector (first after `ejectorInitialDelay`, then every `ejectorInterval`) and, with a
    /// rule file, reads it now and watches it every `limitRuleCheckInterval`.
    public func start() {
        self.reloadLimitRuleIfChanged()
        let configuration = self.configuration
        let clock = self.clock
        var tasks = [
            Task { [weak self] in
                do {
                    try await clock.sleep(for: configuration.ejectorInitialDelay)
                    while !Task.isCancelled {
                        await self?.ejectOnce()
                        try await clock.sleep(for: configuration.ejectorInterval)
                    }
                } catch {}
            },
        ]
        if configuration.limitRuleFile != nil {
            tasks.append(
                Task { [weak self] in
                    do {
                        while !Task.isCancelled {
                            try await clock.sleep(for: configuration.limitRuleCheckInterval)
                            self?.reloadLimitRuleIfChanged()
                        }
                    } catch {}
                }
            )
        }
        self.state.withLock { $0.tasks += tasks }
    }

    /// Stops the ejector and the watcher, and unregisters (and closes) every connection.
    public func shutdown() {
        let (tasks, ids) = self.state.withLock { state -> ([Task<Void, Never>], [String]) in
            defer { state.tasks = [] }
            return (state.tasks, Array(state.connections.keys))
        }
        for task in tasks { task.cancel() }
        for id in ids { self.unregister(id) }
    }

}
