import NacosDistro
import NacosServer

/// The configuration files: `NacosPropertiesFile` (Java `.properties` syntax), `cluster.conf` and the
/// `nacos.member.list` items (`ClusterMemberLookup`), and `ClusterMember.parse`. The first byte chooses
/// the parser; the rest is UTF-8 text (invalid sequences become U+FFFD).
///
/// Checked on the way: property entries start on increasing lines within the file; every member a lookup
/// returns has an address that `ClusterMember.parse` and the lookup itself read back to the same member, and
/// the list is sorted and free of duplicates.
enum ConfigFuzzTarget: FuzzTarget {
    static let name = "config"

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        switch first % 4 {
        case 0:
            Self.properties(text)
        case 1:
            Self.check(try? ClusterMemberLookup.parseClusterConf(text))
        case 2:
            // `nacos.member.list` as the server splits it: by comma, each item possibly a list itself.
            let items = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            Self.check(try? ClusterMemberLookup.parseMemberList(items))
        default:
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                guard let member = ClusterMember.parse(String(line)) else { continue }
                precondition((1...65535).contains(member.port), "ClusterMember.parse gave port \(member.port)")
                precondition(!member.ip.isEmpty, "ClusterMember.parse gave an empty host")
            }
        }
    }

    static func properties(_ text: String) {
        guard let file = try? NacosPropertiesFile(path: "fuzz.properties", contents: text) else { return }
        let lines = text.unicodeScalars.count + 1
        var previous = 0
        for entry in file.entries {
            precondition(entry.line > previous && entry.line <= lines, "entry line \(entry.line) after \(previous)")
            previous = entry.line
        }
    }

    static func check(_ members: [ClusterMember]?) {
        guard let members else { return }
        let addresses = members.map(\.address)
        precondition(addresses == addresses.sorted(), "members are not sorted by address")
        precondition(Set(addresses).count == addresses.count, "members are not deduplicated")
        for member in members {
            precondition((1...65535).contains(member.port), "member port \(member.port)")
            guard let parsed = ClusterMember.parse(member.address) else {
                preconditionFailure("ClusterMember.parse rejects the address \(member.address)")
            }
            precondition(parsed.address == member.address, "ClusterMember.parse reads \(member.address) as \(parsed.address)")
        }
        let again: [ClusterMember]
        do {
            again = try ClusterMemberLookup.parseClusterConf(addresses.joined(separator: "\n"))
        } catch {
            preconditionFailure("cluster.conf of the parsed addresses fails: \(error)")
        }
        precondition(again.map(\.address) == addresses, "the addresses do not read back to themselves")
    }
}
