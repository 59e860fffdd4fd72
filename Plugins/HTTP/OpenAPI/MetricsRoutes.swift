import NacosNaming
import NacosStore
import NacosRemote

/// Prometheus text at `/nacos/actuator/prometheus` (Nacos's actuator path) and `/metrics`: connections
/// by source and module, clients, services, instances, subscribers, RPC requests by type and result with
/// their latency, pushes with their latency, and ejected connections.
struct MetricsRoutes: Sendable {
    let context: OpenAPIContext

    /// Adds the metrics routes to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context
        let handler: HTTPRouter.Handler = { _ in
            var exposition = PrometheusExposition()
            try Self.collect(context, into: &exposition)
            var response = HTTPResponse(status: .ok, body: exposition.bytes)
            response.headers.replaceOrAdd(name: "Content-Type", value: PrometheusExposition.contentType)
            return response
        }
        router.add(.get, "/nacos/actuator/prometheus", handler)
        router.add(.get, "/metrics", handler)
    }

    /// The durable store's families: whether it takes writes, its commits and their latency, the commit
    /// queue, reconnects, and the revision the registry applied.
    static func collectStore(_ registry: NamingRegistry, into exposition: inout PrometheusExposition) throws {
        let store = registry.store
        let metrics = store.metrics
        let labels = ["store": store.kind]
        try exposition.addGauge("nacos_store_up", help: "Whether the durable store takes writes (1) or not (0).", labels: labels, value: store.health.isAvailable ? 1 : 0)
        try exposition.addCounter("nacos_store_commits_total", help: "Durable commits that succeeded.", labels: labels, value: metrics.commits)
        try exposition.addCounter("nacos_store_commit_failures_total", help: "Durable commits that failed.", labels: labels, value: metrics.failedCommits)
        try exposition.addCounter("nacos_store_transactions_total", help: "Transactions written; grouped commits share one.", labels: labels, value: metrics.transactions)
        try exposition.addCounter("nacos_store_commit_seconds_sum", help: "Summed time from a commit's call until it was durable.", labels: labels, value: metrics.commitSecondsSum)
        try exposition.addGauge("nacos_store_commit_seconds_max", help: "The longest time a commit took until it was durable.", labels: labels, value: metrics.commitSecondsMax)
        try exposition.addGauge("nacos_store_commit_queue", help: "Commits waiting for their transaction.", labels: labels, value: metrics.queueDepth)
        try exposition.addCounter("nacos_store_reconnects_total", help: "Times the store's connection was re-established.", labels: labels, value: metrics.reconnects)
        try exposition.addGauge("nacos_store_applied_revision", help: "The revision of the last change the registry applied.", labels: labels, value: registry.storeApplier.revision)
        try exposition.addCounter("nacos_store_unreadable_records_total", help: "Stored records that could not be read (logged with their key).", labels: labels, value: registry.storeApplier.unreadableRecords)
    }

    /// Writes every family of the node into `exposition`.
    static func collect(_ context: OpenAPIContext, into exposition: inout PrometheusExposition) throws {
        let connections = context.connections.connectionMetrics
        for group in connections.sortedGroups {
            try exposition.addGauge(
                "nacos_connections",
                help: "Open client and cluster connections by source and module.",
                labels: ["source": group.source, "module": group.module],
                value: connections.connectionCounts[group] ?? 0
            )
        }
        if connections.connectionCounts.isEmpty {
            try exposition.addGauge("nacos_connections", help: "Open client and cluster connections by source and module.", value: 0)
        }
        try exposition.addCounter(
            "nacos_connections_ejected_total",
            help: "Connections closed by the ejector after failing detection.",
            value: connections.ejectedCount
        )
        try exposition.addCounter(
            "nacos_connections_reset_total",
            help: "ConnectResetRequests sent to move clients to another node.",
            value: connections.resetCount
        )
        try exposition.addCounter(
            "nacos_connections_rejected_total",
            help: "Connections refused by limits or while starting or stopping.",
            value: connections.rejectedCount
        )

        let naming = context.registry.metrics
        let clientKinds: [(String, Int)] = [
            ("connection", naming.connectionBasedClientCount),
            ("ephemeral_ipport", naming.ephemeralIpPortClientCount),
            ("persistent_ipport", naming.persistentIpPortClientCount),
        ]
        for (kind, count) in clientKinds {
            try exposition.addGauge("nacos_naming_clients", help: "Naming clients by kind.", labels: ["kind": kind], value: count)
        }
        try exposition.addGauge("nacos_naming_services", help: "Services in the registry.", value: naming.serviceCount)
        try exposition.addGauge("nacos_naming_instances", help: "Published instances.", value: naming.instanceCount)
        try exposition.addGauge("nacos_naming_subscribers", help: "Subscriptions to services.", value: naming.subscribeCount)
        try Self.collectStore(context.registry, into: &exposition)

        if let requests = context.rpcServer?.requestMetrics {
            for type in requests.sortedRequestTypes {
                guard let metrics = requests.requestTypes[type] else { continue }
                for (result, count) in metrics.resultCounts.sorted(by: { $0.key < $1.key }) {
                    try exposition.addCounter(
                        "nacos_rpc_requests_total",
                        help: "Client RPC requests handled, by request type and result.",
                        labels: ["type": type, "result": result.label],
                        value: count
                    )
                }
                try exposition.addHistogram(
                    "nacos_rpc_request_duration_seconds",
                    help: "Client RPC request handling time by request type.",
                    labels: ["type": type],
                    latency: metrics.latency
                )
            }
            try exposition.addGauge("nacos_rpc_requests_in_flight", help: "Client RPC requests being handled.", value: requests.inFlightCount)
        }

        let push = context.registry.push.statistics
        try exposition.addCounter("nacos_push_total", help: "Pushes to subscribers by result.", labels: ["result": "success"], value: push.succeeded)
        try exposition.addCounter("nacos_push_total", help: "Pushes to subscribers by result.", labels: ["result": "failed"], value: push.failed)
        try exposition.addCounter(
            "nacos_push_deferred_total",
            help: "Pushes deferred because a subscriber had too many in flight.",
            value: push.deferred
        )
        try exposition.addHistogram(
            "nacos_push_duration_seconds",
            help: "Time from sending a push to its acknowledgement.",
            latency: push.latency
        )
        try context.extraMetrics(&exposition)
    }
}
