import NacosNamingAPI
import NacosRemote

/// The cluster endpoints for operators: the members and their states (Nacos's `NacosClusterController`
/// and its v2 form) and which member is responsible for an `ip:port` (`OperatorController`'s
/// `/distro/client`).
struct ClusterRoutes: Sendable {
    /// The v1 core cluster prefix.
    static let v1Prefix = "/nacos/v1/core/cluster"
    /// The v2 core cluster prefix.
    static let v2Prefix = "/nacos/v2/core/cluster"
    /// Nacos's v2 error code for an unknown member state (`ErrorCode.ILLEGAL_STATE`).
    static let illegalState = OpenAPIErrorCode(code: 23000, abstract: "illegal state")
    /// The member states Nacos knows (`NodeState`).
    static let nodeStates: Set<String> = ["STARTING", "UP", "SUSPICIOUS", "DOWN", "ISOLATION"]

    let context: OpenAPIContext

    /// Adds the cluster routes to `router`.
    func install(into router: inout HTTPRouter) {
        let context = self.context

        router.add(.get, "\(Self.v1Prefix)/nodes", OpenAPIResponses.v1 { request in
            let keyword = OpenAPIParameters(request).optional("keyword")
            let nodes = Self.members(context).filter { keyword == nil || $0.address.hasPrefix(keyword!) }
            return Self.restResult { writer in Self.write(nodes, to: &writer) }
        })
        router.add(.get, "\(Self.v1Prefix)/self", OpenAPIResponses.v1 { _ in
            let node = Self.selfNode(context)
            return Self.restResult { node.writeJSON(to: &$0) }
        })
        router.add(.get, "\(Self.v2Prefix)/node/list", OpenAPIResponses.v2 { request in
            let parameters = OpenAPIParameters(request)
            let address = parameters.optional("address")
            var state: String?
            if let text = parameters.optional("state") {
                guard Self.nodeStates.contains(text.uppercased()) else {
                    throw OpenAPIError(.badRequest, Self.illegalState, "Illegal state: \(text)")
                }
                state = text.uppercased()
            }
            let nodes = Self.members(context).filter { node in
                (address == nil || node.address.hasPrefix(address!)) && (state == nil || node.state == state)
            }
            return { Self.write(nodes, to: &$0) }
        })
        router.add(.get, "\(Self.v2Prefix)/node/self", OpenAPIResponses.v2 { _ in
            let node = Self.selfNode(context)
            return { node.writeJSON(to: &$0) }
        })
        for prefix in ["\(V1NamingRoutes.prefix)/operator", "\(V1NamingRoutes.prefix)/ops"] {
            router.add(.get, "\(prefix)/distro/client", OpenAPIResponses.v1 { request in
                let parameters = OpenAPIParameters(request)
                let ip = try parameters.required("ip").trimmingBlanks
                let port = try parameters.required("port").trimmingBlanks
                let server = context.responsibleServer("\(ip):\(port)")
                return OpenAPIResponses.json { writer in
                    writer.object { writer in
                        writer.key("responsibleServer")
                        writer.string(server)
                    }
                }
            })
        }
    }

    /// Every member, sorted by address as Nacos sorts them.
    private static func members(_ context: OpenAPIContext) -> [ClusterNodeView] {
        context.clusterNodes().map { node in
            guard node.address == context.selfAddress, node.extendInfo["version"] == nil else { return node }
            var known = node
            known.extendInfo["version"] = context.serverVersion
            return known
        }.sorted { $0.address < $1.address }
    }

    /// This node's entry among the members (UP when the list lacks it).
    private static func selfNode(_ context: OpenAPIContext) -> ClusterNodeView {
        Self.members(context).first { $0.address == context.selfAddress } ?? ClusterNodeView.parse(address: context.selfAddress)
    }

    /// Writes `nodes` as a JSON array of Nacos `Member` objects.
    private static func write(_ nodes: [ClusterNodeView], to writer: inout NacosJSONWriter) {
        writer.array { writer in
            for node in nodes { node.writeJSON(to: &writer) }
        }
    }

    /// Nacos's `RestResult` of a success: `{"code":200,"message":null,"data":…}`.
    private static func restResult(_ data: (inout NacosJSONWriter) -> Void) -> HTTPResponse {
        OpenAPIResponses.json { writer in
            writer.object { writer in
                writer.key("code")
                writer.integer(200)
                writer.key("message")
                writer.null()
                writer.key("data")
                data(&writer)
            }
        }
    }
}
