import NacosNaming
import NacosNamingAPI
import NacosRemote

/// The v1 naming Open API (`/nacos/v1/ns/*`, reference §4.1–4.5) that 1.x clients and operators' scripts
/// call: plain `ok` for writes, bare JSON for reads, the status and a text message for errors.
struct V1NamingRoutes: Sendable {
    /// The path prefix.
    static let prefix = "/nacos/v1/ns"

    let actions: OpenAPINamingActions
    /// Forwards instance writes to the responsible member (Nacos's `@CanDistro` endpoints).
    let distro: DistroForwarder

    /// Adds every v1 route to `router`.
    func install(into router: inout HTTPRouter) {
        let actions = self.actions
        let distro = self.distro
        let prefix = Self.prefix
        let ok = HTTPResponse.text("ok")

        router.add(.post, "\(prefix)/instance", distro.filter(.v1, OpenAPIResponses.v1 { request in
            _ = try await actions.register(OpenAPIParameters(request))
            return ok
        }))
        router.add(.delete, "\(prefix)/instance", distro.filter(.v1, OpenAPIResponses.v1 { request in
            try await actions.deregister(OpenAPIParameters(request))
            return ok
        }))
        router.add(.put, "\(prefix)/instance", distro.filter(.v1, OpenAPIResponses.v1 { request in
            try await actions.update(OpenAPIParameters(request))
            return ok
        }))
        router.add(.patch, "\(prefix)/instance", distro.filter(.v1, OpenAPIResponses.v1 { request in
            try await actions.patch(OpenAPIParameters(request))
            return ok
        }))
        router.add(.get, "\(prefix)/instance", OpenAPIResponses.v1 { request in
            let (service, instance) = try actions.detail(OpenAPIParameters(request))
            return OpenAPIResponses.json { OpenAPIJSON.instanceDetail(instance, service: service, serviceKey: "service", to: &$0) }
        })
        router.add(.get, "\(prefix)/instance/list", OpenAPIResponses.v1 { request in
            let info = try actions.list(OpenAPIParameters(request), request: request, clustersParameter: "clusters")
            return OpenAPIResponses.json { info.writeJSON(to: &$0) }
        })
        router.add(.put, "\(prefix)/instance/beat", distro.filter(.v1, OpenAPIResponses.v1 { request in
            let result = try actions.beat(OpenAPIParameters(request))
            return OpenAPIResponses.json { OpenAPIJSON.beat(result, to: &$0) }
        }))
        for path in ["\(prefix)/health", "\(prefix)/health/instance"] {
            router.add(.put, path, OpenAPIResponses.v1 { request in
                try await actions.setHealth(OpenAPIParameters(request))
                return ok
            })
        }

        router.add(.put, "\(prefix)/cluster", OpenAPIResponses.v1 { request in
            try await actions.updateCluster(OpenAPIParameters(request))
            return ok
        })

        router.add(.post, "\(prefix)/service", OpenAPIResponses.v1 { request in
            try await actions.createService(OpenAPIParameters(request))
            return ok
        })
        router.add(.put, "\(prefix)/service", OpenAPIResponses.v1 { request in
            try await actions.updateService(OpenAPIParameters(request), requireThreshold: true)
            return ok
        })
        router.add(.delete, "\(prefix)/service", OpenAPIResponses.v1 { request in
            try await actions.deleteService(OpenAPIParameters(request))
            return ok
        })
        router.add(.get, "\(prefix)/service", OpenAPIResponses.v1 { request in
            let detail = try actions.serviceDetail(OpenAPIParameters(request))
            return OpenAPIResponses.json { OpenAPIJSON.serviceDetail(detail, to: &$0) }
        })
        router.add(.get, "\(prefix)/service/list", OpenAPIResponses.v1 { request in
            let page = try actions.listServices(OpenAPIParameters(request), defaultPageSize: nil)
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    writer.key("count")
                    writer.integer(page.count)
                    writer.key("doms")
                    writer.array { writer in
                        for name in page.names { writer.string(name) }
                    }
                }
            }
        })
        router.add(.get, "\(prefix)/service/subscribers", OpenAPIResponses.v1 { request in
            let page = try actions.subscribers(OpenAPIParameters(request))
            return OpenAPIResponses.json { writer in
                writer.object { writer in
                    writer.key("subscribers")
                    writer.array { writer in
                        for subscriber in page.subscribers { OpenAPIJSON.subscriber(subscriber, to: &writer) }
                    }
                    writer.key("count")
                    writer.integer(page.count)
                }
            }
        })

        for operatorPrefix in ["\(prefix)/operator", "\(prefix)/ops"] {
            router.add(.get, "\(operatorPrefix)/metrics", OpenAPIResponses.v1 { request in
                let parameters = OpenAPIParameters(request)
                if try parameters.bool("onlyStatus", default: true) {
                    return .json(#"{"status":"UP"}"#)
                }
                let metrics = actions.registry.metrics
                let load = NacosHostLoad.current()
                return OpenAPIResponses.json { OpenAPIJSON.metrics(metrics, load: load, to: &$0) }
            })
            router.add(.get, "\(operatorPrefix)/switches", OpenAPIResponses.v1 { _ in
                let switches = actions.registry.switches.current
                return OpenAPIResponses.json { switches.writeJSON(to: &$0) }
            })
            router.add(.put, "\(operatorPrefix)/switches", OpenAPIResponses.v1 { request in
                try await actions.updateSwitch(OpenAPIParameters(request))
                return ok
            })
        }
    }
}
