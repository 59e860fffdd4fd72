import NacosServer

// Filled in by the server wiring; see Sources/Server.
print("nacos-server: HTTP \(NacosServerPorts(http: 8848).http)")
