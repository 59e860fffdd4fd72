public import NacosNamingAPI
import NacosRemote
import NacosTransport
import Synchronization

extension NamingService {
    /// Registers `instance` for the service: an ephemeral instance lives as long as this connection (and is
    /// registered again after a reconnect), a persistent one is written through PersistentInstanceRequest.
    ///
    /// One connection holds one registration per service: registering again replaces the previous instance
    /// (use `batchRegisterInstance` for several).
    ///
    /// - Throws: `NacosException`: 400 for an illegal instance or name, the server's error, or 500 when the
    ///   server cannot be reached (an ephemeral registration is still made once the connection is back).
    public func registerInstance(serviceName: String, groupName: String = NamingDefaults.group, instance: Instance) async throws {
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            try NamingClientChecks.instance(instance)
            guard instance.ephemeral else {
                try await self.sendPersistent(serviceName: service, groupName: group, type: InstanceRequest.registerType, instance: instance)
                return
            }
            try await self.register(
                InstanceRedoData(serviceName: service, groupName: group, registration: .single(instance))
            )
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    /// Registers an ephemeral instance at `ip:port` in `clusterName` with weight 1.
    ///
    /// - Throws: `NacosException` as `registerInstance(serviceName:groupName:instance:)`.
    public func registerInstance(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        ip: String,
        port: Int,
        clusterName: String = NamingDefaults.cluster
    ) async throws {
        try await self.registerInstance(serviceName: serviceName, groupName: groupName, instance: Instance(ip: ip, port: port, clusterName: clusterName))
    }

    /// Withdraws this connection's registration of the service (the server removes it whatever ip and port
    /// `instance` names); for a batch registration, only the instances matching `instance` are withdrawn.
    ///
    /// - Throws: `NacosException`: 400 for an illegal name, the server's error, or 500 when the server cannot
    ///   be reached (the deregistration is retried while connected).
    public func deregisterInstance(serviceName: String, groupName: String = NamingDefaults.group, instance: Instance) async throws {
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            guard instance.ephemeral else {
                try await self.sendPersistent(serviceName: service, groupName: group, type: InstanceRequest.deregisterType, instance: instance)
                return
            }
            let key = NamingDefaults.groupedName(service: service, group: group)
            try await self.locks.withLock(Self.instanceLockKey(key)) {
                if let data = self.redo.withLock({ $0.instances[key] }), data.isBatch {
                    try await self.deregisterFromBatchLocked(data, removing: [instance])
                } else {
                    try await self.deregisterLocked(serviceName: service, groupName: group, instance: instance)
                }
            }
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    /// Withdraws this connection's registration of `ip:port` in `clusterName`.
    ///
    /// - Throws: `NacosException` as `deregisterInstance(serviceName:groupName:instance:)`.
    public func deregisterInstance(
        serviceName: String,
        groupName: String = NamingDefaults.group,
        ip: String,
        port: Int,
        clusterName: String = NamingDefaults.cluster
    ) async throws {
        try await self.deregisterInstance(serviceName: serviceName, groupName: groupName, instance: Instance(ip: ip, port: port, clusterName: clusterName))
    }

    /// Registers several ephemeral instances of one service at once, replacing this connection's
    /// registration of the service (BatchInstanceRequest).
    ///
    /// - Throws: `NacosException`: 400 when an instance is persistent or illegal, the server's error, or 500
    ///   when the server cannot be reached (the registration is still made once the connection is back).
    public func batchRegisterInstance(serviceName: String, groupName: String = NamingDefaults.group, instances: [Instance]) async throws {
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            try NamingClientChecks.batch(instances)
            try await self.register(InstanceRedoData(serviceName: service, groupName: group, registration: .batch(instances)))
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    /// Withdraws some instances of a batch registration by re-registering the rest (as the Java SDK);
    /// withdrawing every instance deregisters the service.
    ///
    /// - Throws: `NacosException`: 400 when the service has no batch registration, else as `batchRegisterInstance`.
    public func batchDeregisterInstance(serviceName: String, groupName: String = NamingDefaults.group, instances: [Instance]) async throws {
        do {
            try self.ensureStarted()
            let group = NamingClientChecks.groupName(groupName)
            let service = try NamingClientChecks.serviceName(serviceName, groupName: group)
            let key = NamingDefaults.groupedName(service: service, group: group)
            try await self.locks.withLock(Self.instanceLockKey(key)) {
                guard let data = self.redo.withLock({ $0.instances[key] }), data.isBatch, data.flags.expectedRegistered else {
                    throw NacosException(.invalidParam, "no batch registration of \(key) to deregister from")
                }
                try await self.deregisterFromBatchLocked(data, removing: instances)
            }
        } catch {
            throw NamingRequestFailure.publicError(error)
        }
    }

    // MARK: - Steps (callers hold the service's lock where noted)

    /// Records `data` for redo, sends it and marks it registered; a refusal restores the previous record.
    private func register(_ data: InstanceRedoData) async throws {
        let key = data.key
        try await self.locks.withLock(Self.instanceLockKey(key)) {
            try await self.registerLocked(data)
        }
    }

    private func registerLocked(_ data: InstanceRedoData) async throws {
        let key = data.key
        let (previous, epoch) = self.redo.withLock { state -> (InstanceRedoData?, UInt64) in
            let previous = state.instances[key]
            switch data.registration {
            case .single(let instance): state.cacheInstanceForRedo(serviceName: data.serviceName, groupName: data.groupName, instance: instance)
            case .batch(let instances): state.cacheBatchInstancesForRedo(serviceName: data.serviceName, groupName: data.groupName, instances: instances)
            }
            return (previous, state.epoch)
        }
        do {
            try await self.sendRegistration(data)
            self.redo.withLock { $0.instanceRegistered(key: key, epoch: epoch) }
        } catch let failure as NamingRequestFailure where failure.isRejection {
            self.redo.withLock { state in
                // The server keeps what it had: so does the redo record.
                state.restoreInstanceForRedo(key: key, previous)
            }
            throw failure
        }
    }

    /// Deregisters the service's ephemeral registration; the caller holds the service's lock.
    private func deregisterLocked(serviceName: String, groupName: String, instance: Instance) async throws {
        let key = NamingDefaults.groupedName(service: serviceName, group: groupName)
        self.redo.withLock { $0.instanceDeregister(key: key) }
        try await self.sendDeregistration(serviceName: serviceName, groupName: groupName, instance: instance)
        self.redo.withLock { state in
            state.instanceDeregistered(key: key)
            state.removeInstanceForRedo(key: key)
        }
    }

    /// Re-registers a batch without the instances matching `removing` (same ip, port and cluster), or
    /// deregisters the service when none remain; the caller holds the service's lock.
    private func deregisterFromBatchLocked(_ data: InstanceRedoData, removing: [Instance]) async throws {
        let retained = data.instances.filter { kept in
            !removing.contains { $0.ip == kept.ip && $0.port == kept.port && $0.effectiveClusterName == kept.effectiveClusterName }
        }
        if retained.isEmpty {
            try await self.deregisterLocked(serviceName: data.serviceName, groupName: data.groupName, instance: data.instances.first ?? Instance())
        } else {
            try await self.registerLocked(InstanceRedoData(serviceName: data.serviceName, groupName: data.groupName, registration: .batch(retained)))
        }
    }

    /// Sends PersistentInstanceRequest; persistent instances outlive the connection, so there is no redo.
    private func sendPersistent(serviceName: String, groupName: String, type: String, instance: Instance) async throws {
        let request = PersistentInstanceRequest(serviceName: serviceName, groupName: groupName, type: type, instance: instance)
        _ = try await self.send(request, expecting: InstanceResponse.self)
    }
}
