import NacosRemote

/// The connection loader endpoints (`/nacos/v2/core/loader/*`, reference §5.1): list this node's
/// connections, move some or one of them to another node, and report or rebalance the cluster's load.
/// All are GET, as in Nacos, even those that act.
struct LoaderRoutes: Sendable {
    /// The path prefix.
    static let prefix = "/nacos/v2/core/loader"

    let context: OpenAPIContext

    /// Adds the loader routes to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        let connections = context.connections
        let prefix = Self.prefix

        router.add(.get, "\(prefix)/current", OpenAPIResponses.v1 { _ in
            let current = connections.currentConnections
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    for id in current.keys.sorted() {
                        writer.key(id)
                        Self.connection(current[id]!, to: &writer)
                    }
                }
            }
        })
        router.add(.get, "\(prefix)/reloadCurrent", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let count = try parameters.requiredInt("count", range: 0...Int.max)
            let redirect = parameters.optional("redirectAddress")
            // Ours, for the console's per-node reload: `serverAddress` names the member to apply it to.
            if let member = parameters.optional("serverAddress"), member != context.selfAddress {
                return .text(await context.requestReload(member, count, redirect ?? "") ? "success" : "Fail")
            }
            connections.setLoadClient(count, redirectAddress: redirect)
            return .text("success")
        })
        router.add(.get, "\(prefix)/reloadClient", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let connectionId = try parameters.required("connectionId")
            await connections.loadSingle(connectionId, redirectAddress: parameters.optional("redirectAddress"))
            return .text("success")
        })
        router.add(.get, "\(prefix)/cluster", OpenAPIResponses.v1 { _ in
            let loads = await context.memberLoads().sorted { $0.address < $1.address }
            let members = context.memberCount()
            return OpenAPIResponses.json { Self.cluster(loads, memberCount: members, to: &$0) }
        })
        router.add(.get, "\(prefix)/smartReloadCluster", OpenAPIResponses.v1 { request in
            let parameters = OpenAPIParameters(request)
            let factor = try parameters.double("loaderFactor", default: 0.1) ?? 0.1
            guard (0...1).contains(factor) else {
                throw OpenAPIError.invalid("Param 'loaderFactor' must be between 0 and 1, got \(factor).")
            }
            let plan = SmartReloadPlan(loads: await context.memberLoads(), factor: factor)
            var succeeded = true
            for move in plan.moves {
                let accepted = await context.requestReload(move.from, move.reloadCount, move.to)
                succeeded = succeeded && accepted
            }
            return .text(succeeded ? "Ok" : "Fail")
        })
    }

    /// One connection of `/current`: `{metaInfo, abilityTable, traced, labels}`.
    static func connection(_ connection: NacosServerConnection, to writer: inout NacosJSONWriter) {
        let meta = connection.meta
        writer.object { writer in
            writer.key("metaInfo")
            writer.object { writer in
                let strings: [(String, String)] = [
                    ("connectType", meta.connectType), ("clientIp", meta.clientIp), ("remoteIp", meta.remoteIp),
                    ("version", meta.version), ("connectionId", meta.connectionId), ("appName", meta.appName),
                ]
                for (key, value) in strings {
                    writer.key(key)
                    writer.string(value)
                }
                writer.key("remotePort")
                writer.integer(meta.remotePort)
                writer.key("localPort")
                writer.integer(meta.localPort)
                if let tenant = meta.tenant {
                    writer.key("tenant")
                    writer.string(tenant)
                }
                writer.key("createTime")
                writer.integer(meta.createTime)
                writer.key("lastActiveTime")
                writer.integer(meta.lastActiveTime)
                writer.key("tlsProtected")
                writer.bool(meta.tlsProtected)
                writer.key("labels")
                OpenAPIJSON.map(meta.labels, to: &writer)
            }
            writer.key("abilityTable")
            if let table = meta.abilityTable {
                writer.object { writer in
                    for key in table.keys.sorted() {
                        writer.key(key)
                        writer.bool(table[key]!)
                    }
                }
            } else {
                writer.null()
            }
            writer.key("traced")
            writer.bool(connection.isTraced)
            writer.key("labels")
            OpenAPIJSON.map(meta.labels, to: &writer)
        }
    }

    /// `/cluster`: `{detail, memberCount, metricsCount, completed, max, min, avg, threshold, total}`.
    static func cluster(_ loads: [MemberLoad], memberCount: Int, to writer: inout NacosJSONWriter) {
        let counts = loads.map(\.sdkConnectionCount)
        let total = counts.reduce(0, +)
        let average = loads.isEmpty ? 0 : total / loads.count
        writer.object { writer in
            writer.key("detail")
            writer.array { writer in
                for load in loads {
                    writer.object { writer in
                        writer.key("address")
                        writer.string(load.address)
                        writer.key("metric")
                        writer.object { writer in
                            let metric: [(String, String)] = [
                                ("conCount", String(load.connectionCount)), ("sdkConCount", String(load.sdkConnectionCount)),
                                ("load", String(load.load)), ("cpu", String(load.cpu)),
                            ]
                            for (key, value) in metric {
                                writer.key(key)
                                writer.string(value)
                            }
                        }
                    }
                }
            }
            let numbers: [(String, Int)] = [
                ("memberCount", memberCount), ("metricsCount", loads.count), ("max", counts.max() ?? 0),
                ("min", counts.min() ?? 0), ("avg", average), ("threshold", Int(Double(average) * 1.1)), ("total", total),
            ]
            writer.key("completed")
            writer.bool(loads.count == memberCount)
            for (key, value) in numbers {
                writer.key(key)
                writer.integer(value)
            }
        }
    }
}
