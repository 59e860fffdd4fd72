import NacosDistro
import Testing

@Suite("ClusterMember")
struct ClusterMemberTests {
    @Test("ip[:port] parses with 8848 as the default port; bad addresses are rejected")
    func parsesAddresses() {
        #expect(ClusterMember.parse("10.0.0.1")?.address == "10.0.0.1:8848")
        #expect(ClusterMember.parse(" 10.0.0.2:8850 ")?.address == "10.0.0.2:8850")
        #expect(ClusterMember.parse("[::1]:9000")?.address == "[::1]:9000")
        #expect(ClusterMember.parse("10.0.0.1:0") == nil)
        #expect(ClusterMember.parse("10.0.0.1:x") == nil)
        #expect(ClusterMember.parse("") == nil)
        #expect(ClusterMember.parse("a:1:2") == nil)
    }

    @Test("UP and SUSPICIOUS members own Distro data; the others do not")
    func distroHealth() {
        #expect(NodeState.allCases.filter(\.isDistroHealthy) == [.up, .suspicious])
    }
}
