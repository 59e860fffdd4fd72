import NacosDistro
import Testing

@Suite("DistroMapper")
struct DistroMapperTests {
    private static let members = ["10.0.0.3:8848", "10.0.0.1:8848", "10.0.0.2:8848"]

    @Test("distroHash is abs(hashCode % Integer.MAX_VALUE) with Java's signed remainder")
    func distroHash() {
        #expect(DistroMapper.distroHash("") == 0)
        #expect(DistroMapper.distroHash("hello") == 99_162_322)
        #expect(DistroMapper.distroHash("192.168.1.1:8080") == 677_449_931)
        // Integer.MIN_VALUE % Integer.MAX_VALUE is -1 in Java, so the hash is 1.
        #expect(DistroMapper.distroHash("polygenelubricants") == 1)
    }

    @Test("healthy members are sorted as Java sorts strings, without duplicates")
    func sortsMembers() {
        let mapper = DistroMapper(selfAddress: "10.0.0.1:8848", healthyMembers: ["10.0.0.2:8848", "10.0.0.10:8848", "10.0.0.2:8848"])
        #expect(mapper.healthyMembers == ["10.0.0.10:8848", "10.0.0.2:8848"])
        mapper.updateHealthyMembers(Self.members)
        #expect(mapper.healthyMembers == ["10.0.0.1:8848", "10.0.0.2:8848", "10.0.0.3:8848"])
    }

    @Test("mapServer picks healthyList[distroHash % size]")
    func mapsTags() {
        let mapper = DistroMapper(selfAddress: "10.0.0.1:8848", healthyMembers: Self.members)
        #expect(mapper.mapServer("") == "10.0.0.1:8848")  // 0 % 3
        #expect(mapper.mapServer("abc") == "10.0.0.1:8848")  // 96_354 % 3 = 0
        #expect(mapper.mapServer("polygenelubricants") == "10.0.0.2:8848")  // 1 % 3
        #expect(mapper.mapServer("hello") == "10.0.0.2:8848")  // 99_162_322 % 3 = 1
        #expect(mapper.mapServer("192.168.1.1:8080") == "10.0.0.3:8848")  // 677_449_931 % 3 = 2
        mapper.updateHealthyMembers(["10.0.0.1:8848", "10.0.0.2:8848"])
        #expect(mapper.mapServer("192.168.1.1:8080") == "10.0.0.2:8848")  // 677_449_931 % 2 = 1
    }

    @Test("exactly one member is responsible for each tag: the one mapServer names")
    func responsibilityPartitionsTags() {
        let mappers = Self.members.map { DistroMapper(selfAddress: $0, healthyMembers: Self.members) }
        var owned = [String: Int]()
        for index in 0..<300 {
            let tag = "192.168.\(index / 256).\(index % 256):8080"
            let responsible = mappers.filter { $0.isResponsible(tag) }
            #expect(responsible.count == 1)
            for mapper in mappers {
                #expect(mapper.mapServer(tag) == responsible.first?.selfAddress)
            }
            owned[responsible.first?.selfAddress ?? "", default: 0] += 1
        }
        // Every member owns a share.
        #expect(Set(owned.keys) == Set(Self.members))
    }

    @Test("disabled (standalone): responsible for everything and maps everything to itself")
    func disabled() {
        let mapper = DistroMapper(selfAddress: "10.0.0.1:8848", healthyMembers: Self.members, enabled: false)
        #expect(mapper.isResponsible("192.168.1.1:8080"))
        #expect(mapper.isResponsible("hello"))
        #expect(mapper.mapServer("192.168.1.1:8080") == "10.0.0.1:8848")
    }

    @Test("no healthy member: maps to itself but is responsible for nothing")
    func emptyList() {
        let mapper = DistroMapper(selfAddress: "10.0.0.1:8848", healthyMembers: [])
        #expect(mapper.mapServer("hello") == "10.0.0.1:8848")
        #expect(!mapper.isResponsible("hello"))
        #expect(!mapper.isResponsible(""))
    }

    @Test("self not among the healthy members: responsible for everything, maps to the others")
    func selfNotHealthy() {
        let mapper = DistroMapper(selfAddress: "10.0.0.9:8848", healthyMembers: Self.members)
        #expect(mapper.isResponsible("hello"))
        #expect(mapper.isResponsible("192.168.1.1:8080"))
        #expect(mapper.mapServer("hello") == "10.0.0.2:8848")
    }

    @Test("responsibility follows membership changes")
    func followsChanges() {
        let mapper = DistroMapper(selfAddress: "10.0.0.3:8848", healthyMembers: Self.members)
        #expect(mapper.isResponsible("192.168.1.1:8080"))  // 677_449_931 % 3 = 2, self's index
        #expect(!mapper.isResponsible("polygenelubricants"))  // 1 % 3 = 1
        mapper.updateHealthyMembers(["10.0.0.2:8848", "10.0.0.3:8848"])
        #expect(mapper.isResponsible("polygenelubricants"))  // 1 % 2 = 1, now self's index
        #expect(!mapper.isResponsible("hello"))  // 99_162_322 % 2 = 0
    }
}
