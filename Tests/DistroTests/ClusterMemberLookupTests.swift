import NacosDistro
import Testing

@Suite("ClusterMemberLookup")
struct ClusterMemberLookupTests {
    @Test("cluster.conf: comments, trailing comments, commas, blank lines, default port; sorted and deduplicated")
    func readsClusterConf() throws {
        let text = """
            # written by the installer
            10.0.0.3:8848   # node C

            10.0.0.1 ,10.0.0.2:8850,
              \t
            10.0.0.1:8848
            host-b.example
            """
        let members = try ClusterMemberLookup.parseClusterConf(text)
        #expect(members.map(\.address) == ["10.0.0.1:8848", "10.0.0.2:8850", "10.0.0.3:8848", "host-b.example:8848"])
        #expect(members.allSatisfy { $0.state == .up && $0.failAccessCount == 0 })
    }

    @Test("CRLF line endings, an empty file and a file of comments")
    func lineEndingsAndEmptyFiles() throws {
        #expect(try ClusterMemberLookup.parseClusterConf("10.0.0.1\r\n10.0.0.2:9000\r\n").map(\.address) == ["10.0.0.1:8848", "10.0.0.2:9000"])
        #expect(try ClusterMemberLookup.parseClusterConf("").isEmpty)
        #expect(try ClusterMemberLookup.parseClusterConf("# nothing\n\n  # here\n").isEmpty)
    }

    @Test("a custom default port applies only to entries without one")
    func customDefaultPort() throws {
        let members = try ClusterMemberLookup.parseClusterConf("10.0.0.1\n10.0.0.2:8848", defaultPort: 9848)
        #expect(members.map(\.address) == ["10.0.0.1:9848", "10.0.0.2:8848"])
    }

    @Test("IPv6: bracketed with and without a port, and bare")
    func ipv6() throws {
        let members = try ClusterMemberLookup.parseClusterConf("[::1]:9000\n[fe80::1%eth0]\nfd00::2\n[::1]:9000\n[::ffff:10.0.0.1]:8849\n1:2:3:4:5:6:7:8")
        #expect(members.map(\.address) == ["[1:2:3:4:5:6:7:8]:8848", "[::1]:9000", "[::ffff:10.0.0.1]:8849", "[fd00::2]:8848", "[fe80::1%eth0]:8848"])
        #expect(members.map(\.ip) == ["1:2:3:4:5:6:7:8", "::1", "::ffff:10.0.0.1", "fd00::2", "fe80::1%eth0"])
    }

    @Test(
        "a malformed entry is reported with its line and text",
        arguments: [
            ("10.0.0.1\n10.0.0.2:99999\n", 2, "10.0.0.2:99999", "not between 1 and 65535"),
            ("# c\n\n10.0.0.1:0", 3, "10.0.0.1:0", "not between 1 and 65535"),
            ("10.0.0.1:http", 1, "10.0.0.1:http", "not a number"),
            ("10.0.0.1:", 1, "10.0.0.1:", "not a number"),
            ("10.0.0.1, 10.0.0.2:-1 # x", 1, "10.0.0.2:-1", "not a number"),
            ("10.0.0.1\n10.0.0 .2", 2, "10.0.0 .2", "not a host name"),
            (":8848", 1, ":8848", "host is empty"),
            ("[::1:8848", 1, "[::1:8848", "closing"),
            ("[::1]8848", 1, "[::1]8848", "':port'"),
            ("[10.0.0.1]:8848", 1, "[10.0.0.1]:8848", "not an IPv6"),
            ("a:b:c", 1, "a:b:c", "not an address"),
            ("1::2::3", 1, "1::2::3", "not an address"),
            ("[12345::1]:8848", 1, "[12345::1]:8848", "not an IPv6"),
            ("[::ffff:1.2.3.999]", 1, "[::ffff:1.2.3.999]", "not an IPv6"),
        ]
    )
    func malformedEntries(text: String, line: Int, entry: String, message: String) {
        #expect {
            try ClusterMemberLookup.parseClusterConf(text)
        } throws: { error in
            guard let error = error as? ClusterConfError else { return false }
            return error.line == line && error.text == entry && error.message.contains(message)
                && error.description.hasPrefix("cluster.conf line \(line): '\(entry)'")
        }
    }

    @Test("a member list: separate items, each possibly comma-separated; errors carry no line")
    func memberList() throws {
        let members = try ClusterMemberLookup.parseMemberList(["10.0.0.2:8848,10.0.0.1", " 10.0.0.3:8849 ", "", "10.0.0.1:8848"])
        #expect(members.map(\.address) == ["10.0.0.1:8848", "10.0.0.2:8848", "10.0.0.3:8849"])
        #expect(throws: ClusterConfError(line: nil, text: "10.0.0.9:70000", message: "port 70000 is not between 1 and 65535")) {
            try ClusterMemberLookup.parseMemberList(["10.0.0.1", "10.0.0.9:70000"])
        }
    }
}
