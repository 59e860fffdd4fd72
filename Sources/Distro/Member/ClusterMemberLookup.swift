/// Reads the member list of a cluster (Nacos's `FileConfigMemberLookup` and `nacos.member.list`,
/// reference §7.5): one `ip[:port]` per line or item, `[v6]:port` or a bare IPv6 address, the port 8848
/// unless given, `#` comments (whole-line and trailing), comma-separated lists, and blank lines.
///
/// Unlike Nacos, which turns a malformed entry into an unusable member, every entry is checked and the
/// first bad one is reported with its line. Duplicates are removed and the result is sorted by address.
public enum ClusterMemberLookup {
    /// Parses the text of a `cluster.conf` file.
    ///
    /// - Throws: `ClusterConfError` naming the line and entry of the first malformed address.
    public static func parseClusterConf(_ text: String, defaultPort: Int = ClusterMember.defaultPort) throws(ClusterConfError) -> [ClusterMember] {
        var members: [String: ClusterMember] = [:]
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            for item in Self.items(in: rawLine) {
                switch Self.member(from: item, defaultPort: defaultPort) {
                case .success(let member): members[member.address] = members[member.address] ?? member
                case .failure(let problem): throw ClusterConfError(line: number, text: item, message: problem.message)
                }
            }
        }
        return members.values.sorted { $0.address < $1.address }
    }

    /// Parses a member list given as separate items (for example `nacos.member.list` split by the caller);
    /// each item may itself be a comma-separated list and may carry a `#` comment.
    ///
    /// - Throws: `ClusterConfError` (with no line) naming the first malformed address.
    public static func parseMemberList(_ items: [String], defaultPort: Int = ClusterMember.defaultPort) throws(ClusterConfError) -> [ClusterMember] {
        var members: [String: ClusterMember] = [:]
        for entry in items {
            for item in Self.items(in: Substring(entry)) {
                switch Self.member(from: item, defaultPort: defaultPort) {
                case .success(let member): members[member.address] = members[member.address] ?? member
                case .failure(let problem): throw ClusterConfError(line: nil, text: item, message: problem.message)
                }
            }
        }
        return members.values.sorted { $0.address < $1.address }
    }

    /// What is wrong with one entry.
    private struct Problem: Error {
        let message: String
    }

    /// The non-blank, comma-separated entries of one line, its `#` comment removed.
    private static func items(in line: Substring) -> [String] {
        let content = line.firstIndex(of: "#").map { line[..<$0] } ?? line
        return content.split(separator: ",").compactMap { item in
            let trimmed = Self.trimmed(item)
            return trimmed.isEmpty ? nil : String(trimmed)
        }
    }

    /// Reads one `ip[:port]`, `[v6][:port]` or bare IPv6 entry.
    private static func member(from item: String, defaultPort: Int) -> Result<ClusterMember, Problem> {
        let host: Substring
        var portText: Substring?
        if item.hasPrefix("[") {
            guard let close = item.firstIndex(of: "]") else { return .failure(Problem(message: "'[' without a closing ']'")) }
            host = item[item.index(after: item.startIndex)..<close]
            let rest = item[item.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return .failure(Problem(message: "expected ':port' after ']'")) }
                portText = rest.dropFirst()
            }
            guard Self.isIPv6(host) else { return .failure(Problem(message: "'\(host)' is not an IPv6 address")) }
        } else {
            let colons = item.count(where: { $0 == ":" })
            switch colons {
            case 0:
                host = Substring(item)
            case 1:
                let colon = item.firstIndex(of: ":")!
                host = item[..<colon]
                portText = item[item.index(after: colon)...]
            default:
                // A bare IPv6 address; a port needs the bracketed form.
                host = Substring(item)
                guard Self.isIPv6(host) else { return .failure(Problem(message: "'\(item)' is not an address (write IPv6 with a port as [ip]:port)")) }
            }
            guard colons > 1 || Self.isHostName(host) else {
                return .failure(Problem(message: host.isEmpty ? "the host is empty" : "'\(host)' is not a host name or IP address"))
            }
        }
        let port: Int
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigitCharacter), let value = Int(portText) else {
                return .failure(Problem(message: "port '\(portText)' is not a number"))
            }
            port = value
        } else {
            port = defaultPort
        }
        guard (1...65535).contains(port) else { return .failure(Problem(message: "port \(port) is not between 1 and 65535")) }
        return .success(ClusterMember(ip: String(host), port: port))
    }

    /// Whether `text` is a plausible IPv4 address or host name: letters, digits, `.`, `-` and `_`.
    private static func isHostName(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCIIAlphanumericCharacter || $0 == "." || $0 == "-" || $0 == "_" }
    }

    /// Whether `text` is an IPv6 address (RFC 4291 text form: up to eight hex groups, one `::`, an
    /// optional trailing dotted IPv4) with an optional `%zone`.
    private static func isIPv6(_ text: Substring) -> Bool {
        let parts = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCIIAlphanumericCharacter || $0 == "." || $0 == "-" || $0 == "_" }) else {
                return false
            }
        }
        let address = parts[0]
        let head: Substring
        let tail: Substring?
        if let gap = address.firstRange(of: "::") {
            head = address[..<gap.lowerBound]
            tail = address[gap.upperBound...]
            guard tail?.contains("::") == false else { return false }
        } else {
            head = address
            tail = nil
        }
        func groups(_ part: Substring) -> [Substring] {
            part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false)
        }
        let all = groups(head) + groups(tail ?? "")
        var units = 0
        for (index, group) in all.enumerated() {
            if index == all.count - 1, group.contains(".") {
                guard Self.isIPv4(group) else { return false }
                units += 2
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit), group.allSatisfy(\.isASCII) else { return false }
                units += 1
            }
        }
        return tail == nil ? units == 8 : units <= 7
    }

    /// Whether `text` is a dotted-quad IPv4 address.
    private static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy { octet in
                (1...3).contains(octet.count) && octet.allSatisfy(\.isASCIIDigitCharacter) && Int(octet)! <= 255
            }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}

extension Character {
    /// Whether the character is an ASCII digit `0`–`9`.
    fileprivate var isASCIIDigitCharacter: Bool { self.isASCII && self.isNumber }

    /// Whether the character is an ASCII letter or digit.
    fileprivate var isASCIIAlphanumericCharacter: Bool { self.isASCII && (self.isLetter || self.isNumber) }
}
