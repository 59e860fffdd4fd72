import Foundation
import NacosTestKit
import NacosTransport
import Testing

/// The system's gzip, when installed, for the cross-check with a reference decoder.
private let systemGzip: String? = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// A ServiceInfo-shaped JSON document with `count` instances, as a 1.x UDP push carries it.
private func serviceInfoJSON(instances count: Int) -> [UInt8] {
    let hosts = (0..<count).map { index in
        """
        {"instanceId":"10.0.0.\(index)#8080#DEFAULT#DEFAULT_GROUP@@orders","ip":"10.0.0.\(index)","port":8080,\
        "weight":1.0,"healthy":true,"enabled":true,"ephemeral":true,"clusterName":"DEFAULT",\
        "serviceName":"DEFAULT_GROUP@@orders","metadata":{"version":"1.\(index % 3)","zone":"zone-\(index % 2)"},\
        "instanceHeartBeatInterval":5000,"instanceHeartBeatTimeOut":15000,"ipDeleteTimeout":30000,\
        "instanceIdGenerator":"simple"}
        """
    }
    let json = """
        {"name":"DEFAULT_GROUP@@orders","clusters":"","cacheMillis":10000,"hosts":[\(hosts.joined(separator: ","))],\
        "lastRefTime":1700000000000,"checksum":"","allIPs":false,"reachProtectionThreshold":false,"valid":true}
        """
    return Array(json.utf8)
}

/// Round-trips `input` through `NacosGzip.compress` and the test inflater; returns the member.
@discardableResult
private func roundTrip(_ input: [UInt8], _ comment: Comment? = nil) throws -> [UInt8] {
    let member = NacosGzip.compress(input)
    let decoded = try Inflater.gunzip(member)
    #expect(decoded == input, comment)
    return member
}

/// Decodes `member` with the system's `gzip -dc`.
private func systemGunzip(_ member: [UInt8], gzip: String) throws -> [UInt8] {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("nacos-gzip-\(UUID().uuidString).gz")
    try Data(member).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let output = file.path + ".out"
    defer { try? FileManager.default.removeItem(atPath: output) }
    let child = try ChildProcess.spawn(gzip, ["-dc", file.path], standardOutput: .file(output), standardError: .file(output + ".err"))
    defer { try? FileManager.default.removeItem(atPath: output + ".err") }
    let exit = child.waitBlocking()
    let errorText = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
    #expect(exit == .exited(0), "gzip -dc failed: \(errorText)")
    #expect(errorText.isEmpty, "gzip -dc warned: \(errorText)")
    let data = FileManager.default.contents(atPath: output) ?? Data()
    return Array(data)
}

@Suite("gzip")
struct GzipTests {
    @Test("the member has gzip's header and CRC-32/ISIZE trailer")
    func headerAndTrailer() throws {
        let input = Array("hello, nacos".utf8)
        let member = NacosGzip.compress(input)
        #expect(Array(member.prefix(4)) == [0x1F, 0x8B, 8, 0])
        #expect(NacosGzip.isGzipped(member))
        #expect(!NacosGzip.isGzipped(input))
        let trailer = Array(member.suffix(8))
        let crc = trailer[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let size = trailer[4..<8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(crc == Inflater.crc32(input))
        #expect(size == UInt32(input.count))
        #expect(Inflater.crc32(Array("123456789".utf8)) == 0xCBF4_3926, "the reference CRC-32 check value")
        try roundTrip(input)
    }

    @Test("empty and one-byte inputs")
    func tinyInputs() throws {
        let empty = try roundTrip([])
        #expect(empty.count == 20, "10-byte header, a 2-byte empty fixed block, 8-byte trailer")
        for byte: UInt8 in [0, 0x41, 0xFF] {
            try roundTrip([byte])
        }
        try roundTrip([1, 2])
        try roundTrip([7, 7, 7])
    }

    @Test("100 KiB of random bytes round-trips and costs at most a few bytes per stored block")
    func randomBytes() throws {
        var random = SeededRandom(seed: 42)
        let input = random.bytes(100 * 1024)
        let member = NacosGzip.compress(input)
        let (decoded, blockTypes) = try Inflater.gunzipWithBlockTypes(member)
        #expect(decoded == input)
        #expect(member.count <= input.count + 18 + 5 * (input.count / 65535 + 8), "incompressible data is stored, not inflated")
        #expect(blockTypes.contains(0))
    }

    @Test("long runs shrink to a tiny fraction; matches of the maximum length 258")
    func longRuns() throws {
        let run = [UInt8](repeating: 0x61, count: 200_000)
        let member = try roundTrip(run)
        #expect(member.count < 1_000, "a 200 kB run compressed to \(member.count) bytes")
        // A run whose length is not a multiple of 258, followed by other runs.
        var mixed: [UInt8] = []
        for (index, length) in [258, 259, 3, 4, 257, 1000, 2, 516].enumerated() {
            mixed += [UInt8](repeating: UInt8(index), count: length)
        }
        try roundTrip(mixed)
        // Exactly 258 + 3 bytes repeated: one maximum-length match plus a short one.
        let pattern = Array((0..<261).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try roundTrip(pattern + pattern + pattern)
    }

    @Test("matches reach back exactly 32768 bytes, and never farther")
    func maximumDistance() throws {
        var random = SeededRandom(seed: 9)
        let window = random.bytes(32768)
        // The repeat starts exactly one window after the original: its only match is at distance 32768.
        let input = window + Array(window.prefix(2000))
        let member = try roundTrip(input)
        #expect(member.count < 32768 + 400, "the 2000-byte repeat was not matched at distance 32768 (\(member.count) bytes)")
        // One byte farther: the repeat is out of reach and must not be referenced.
        let farther = window + [0x00] + Array(window.prefix(2000))
        let fartherMember = try roundTrip(farther)
        #expect(fartherMember.count > 32768 + 1500)
    }

    @Test("a 10-instance ServiceInfo JSON shrinks by more than 2x, with dynamic Huffman blocks")
    func serviceInfoRatio() throws {
        let json = serviceInfoJSON(instances: 10)
        let member = NacosGzip.compress(json)
        let (decoded, blockTypes) = try Inflater.gunzipWithBlockTypes(member)
        #expect(decoded == json)
        #expect(member.count * 2 < json.count, "\(json.count) bytes compressed only to \(member.count)")
        #expect(member.count * 5 < json.count, "\(json.count) bytes compressed only to \(member.count)")
        #expect(blockTypes == [2])
    }

    @Test("a short text uses a fixed Huffman block")
    func fixedBlock() throws {
        let (decoded, blockTypes) = try Inflater.gunzipWithBlockTypes(NacosGzip.compress(Array("abcabcabcabc-nacos".utf8)))
        #expect(decoded == Array("abcabcabcabc-nacos".utf8))
        #expect(blockTypes == [1])
    }

    @Test("random structured inputs of many sizes round-trip, across several blocks")
    func structuredInputs() throws {
        var random = SeededRandom(seed: 2024)
        let words = ["nacos", "instance", "\"healthy\":true", "10.0.0.", "DEFAULT_GROUP@@", ",", "{", "}", " ", "weight"]
        for round in 0..<60 {
            let size = Int.random(in: 0...(round < 50 ? 3000 : 120_000), using: &random)
            var input: [UInt8] = []
            input.reserveCapacity(size)
            while input.count < size {
                switch Int.random(in: 0..<4, using: &random) {
                case 0: input += Array(words.randomElement(using: &random)!.utf8)
                case 1: input.append(UInt8.random(in: 0...255, using: &random))
                case 2 where input.count > 10:
                    // Copy an earlier stretch, at varying distances and lengths.
                    let start = Int.random(in: 0..<input.count, using: &random)
                    let length = Int.random(in: 1...min(300, input.count - start), using: &random)
                    input += input[start..<(start + length)]
                default: input += [UInt8](repeating: UInt8.random(in: 0...3, using: &random), count: Int.random(in: 1...20, using: &random))
                }
            }
            try roundTrip(input, "round \(round), \(input.count) bytes")
        }
    }

    @Test("the system's gzip -dc decodes every kind of member", .enabled(if: systemGzip != nil, "needs /bin/gzip or /usr/bin/gzip"))
    func systemGzipCrossCheck() throws {
        let gzip = try #require(systemGzip)
        var random = SeededRandom(seed: 5)
        let window = random.bytes(32768)
        let inputs: [[UInt8]] = [
            [],
            [0x2A],
            Array("abcabcabcabc-nacos".utf8),
            serviceInfoJSON(instances: 10),
            serviceInfoJSON(instances: 400),
            random.bytes(100 * 1024),
            [UInt8](repeating: 0x20, count: 70_000),
            window + Array(window.prefix(1000)),
        ]
        for input in inputs {
            let decoded = try systemGunzip(NacosGzip.compress(input), gzip: gzip)
            #expect(decoded == input, "gzip -dc disagreed on a \(input.count)-byte input")
        }
    }
}
