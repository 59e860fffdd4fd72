import NacosServer
import Testing

@Suite struct NacosServerPortsTests {
    @Test func rpcPortsFollowTheHTTPPortAsInNacos() {
        let ports = NacosServerPorts(http: 8848)
        #expect(ports.clientRpc == 9848)
        #expect(ports.clusterRpc == 9849)
        #expect(NacosServerPorts(http: 18848).clientRpc == 19848)
    }
}
