public import NacosNamingAPI
import NacosRemote
import NacosTransport
import Synchronization

extension NamingService {
    /// The instances of the service in `clusters` (all clusters when empty), disabled ones excluded by the server.
    ///
    /// With `subscribe` (the default, as in Java) the service is subscribed and later calls are answered
    /// from the cache that the server's pushes keep current; without it, every call asks the server.
    /// While failover is on, the failover data (or else the cached data) is returned.
    ///
    /// - Throws: `NacosException`: 400 for an illegal name or cluster, the server's error, or 500 when the
    ///   server cannot be reached and nothing is cached.
    public func getAllInstances(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = [],
        subscribe: Bool = true
    ) async throws -> [Instance] {
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            let clusters = try NamingClientChecks.clusters(clusters)
            let info = try await self.serviceInfo(serviceName: service, groupName: group, subscribe: subscribe)
            return InstanceFilter.instances(info.instances, inClusters: clusters)
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    /// The enabled instances with a positive weight in `clusters` whose health equals `healthy` (so
    /// `healthy: false` lists the unhealthy ones, as in Java).
    ///
    /// - Throws: `NacosException` as `getAllInstances`.
    public func selectInstances(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = [],
        healthy: Bool = true,
        subscribe: Bool = true
    ) async throws -> [Instance] {
        let instances = try await self.getAllInstances(serviceName: serviceName, groupName: groupName, clusters: clusters, subscribe: subscribe)
        return InstanceFilter.instances(instances, healthy: healthy)
    }

    /// One healthy, enabled instance with a positive weight, chosen at random in proportion to the weights,
    /// or `nil` when there is none.
    ///
    /// - Throws: `NacosException` as `getAllInstances`.
    public func selectOneHealthyInstance(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = [],
        subscribe: Bool = true
    ) async throws -> Instance? {
        var generator = SystemRandomNumberGenerator()
        return try await self.selectOneHealthyInstance(
            serviceName: serviceName,
            groupName: groupName,
            clusters: clusters,
            subscribe: subscribe,
            using: &generator
        )
    }

    /// `selectOneHealthyInstance` drawing from `generator` (seed it to make choices reproducible).
    ///
    /// - Throws: `NacosException` as `getAllInstances`.
    public func selectOneHealthyInstance<Generator: RandomNumberGenerator>(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        clusters: [String] = [],
        subscribe: Bool = true,
        using generator: inout Generator
    ) async throws -> Instance? {
        let instances = try await self.selectInstances(
            serviceName: serviceName,
            groupName: groupName,
            clusters: clusters,
            healthy: true,
            subscribe: subscribe
        )
        return WeightedInstanceChooser.choose(from: instances, using: &generator)
    }

    /// One page of the names of the group's services in the namespace (`pageNo` counts from 1).
    ///
    /// - Throws: `NacosException`: the server's error, or 500 when the server cannot be reached.
    public func getServicesOfServer(pageNo: Int, pageSize: Int, groupName: String = NamingDefaults.group) async throws -> ServiceListView {
        do {
            try self.ensureStarted()
            let request = ServiceListRequest(groupName: NamingClientChecks.groupName(groupName), pageNo: pageNo, pageSize: pageSize)
            let response = try await self.send(request, expecting: ServiceListResponse.self)
            return ServiceListView(count: response.count, names: response.serviceNames)
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    /// The services this client is subscribed to, with their cached data where there is some.
    public func getSubscribeServices() -> [ServiceInfo] {
        let subscribed = self.redo.withLock { state in
            state.subscribers.values.filter(\.flags.expectedRegistered).sorted { $0.key < $1.key }
        }
        return subscribed.map { data in
            self.holder.serviceInfo(forKey: NamingDefaults.groupedName(service: data.serviceName, group: data.groupName))
                ?? ServiceInfo(name: data.serviceName, groupName: data.groupName)
        }
    }

    // MARK: - Data sources

    /// The data of a service: failover data while failover is on, else the subscribed cache or a query.
    func serviceInfo(serviceName: String, groupName: String, subscribe: Bool) async throws -> ServiceInfo {
        let key = NamingDefaults.groupedName(service: serviceName, group: groupName)
        if let failover = self.failover, failover.isSwitchOn {
            if let info = failover.serviceInfo(forKey: key), !info.instances.isEmpty { return info }
            if let cached = self.holder.serviceInfo(forKey: key) { return cached }
        }
        if subscribe {
            return try await self.subscribeService(serviceName: serviceName, groupName: groupName)
        }
        let request = ServiceQueryRequest(serviceName: serviceName, groupName: groupName, cluster: "", healthyOnly: false)
        let info: ServiceInfo
        do {
            let response = try await self.send(request, expecting: QueryServiceResponse.self)
            info = response.serviceInfo ?? ServiceInfo(name: serviceName, groupName: groupName)
        } catch let failure as NamingRequestFailure where !failure.isRejection {
            if let cached = self.holder.serviceInfo(forKey: key) {
                self.logger.warning("[naming] query of \(key) failed, answering from the cache: \(failure)")
                return cached
            }
            throw failure
        }
        if self.holder.rejection(of: info) != nil, let cached = self.holder.serviceInfo(forKey: key) {
            return cached
        }
        return info
    }

    /// Subscribes to every cluster of the service unless already subscribed, and returns its cached data.
    ///
    /// When the server cannot be reached the subscription stays recorded (redo makes it once connected)
    /// and cached data, if any, is returned.
    func subscribeService(serviceName: String, groupName: String) async throws -> ServiceInfo {
        let key = NamingDefaults.groupedName(service: serviceName, group: groupName)
        let redoKey = SubscriberRedoData.key(serviceName: serviceName, groupName: groupName, clusters: "")
        if self.redo.withLock({ $0.isSubscriberRegistered(key: redoKey) }), let cached = self.holder.serviceInfo(forKey: key) {
            return cached
        }
        return try await self.locks.withLock(Self.subscriberLockKey(redoKey)) {
            let epoch = self.redo.withLock { state -> UInt64? in
                if state.isSubscriberRegistered(key: redoKey) { return nil }
                state.cacheSubscriberForRedo(serviceName: serviceName, groupName: groupName, clusters: "")
                return state.epoch
            }
            guard let epoch else {
                return self.holder.serviceInfo(forKey: key) ?? ServiceInfo(name: serviceName, groupName: groupName)
            }
            do {
                let answer = try await self.sendSubscribe(serviceName: serviceName, groupName: groupName, subscribe: true)
                self.redo.withLock { $0.subscriberRegistered(key: redoKey, epoch: epoch) }
                let info = answer ?? ServiceInfo(name: serviceName, groupName: groupName)
                self.accept(info, from: "subscribe answer")
                return self.holder.serviceInfo(forKey: key) ?? info
            } catch let failure as NamingRequestFailure {
                if failure.isRejection, self.notifier.listenerCount(forKey: key) == 0 {
                    self.redo.withLock { state in
                        state.subscriberDeregister(key: redoKey)
                        state.removeSubscriberForRedo(key: redoKey)
                    }
                } else if !failure.isRejection, let cached = self.holder.serviceInfo(forKey: key) {
                    self.logger.warning("[naming] subscribing to \(key) failed, answering from the cache: \(failure)")
                    return cached
                }
                throw failure
            }
        }
    }
}
