import Testing

@testable import NacosHTTP2

/// The dynamic table's size accounting, eviction order and the encoder's lookups.
@Suite struct HPACKDynamicTableTests {
    @Test func sizeCountsNameValueAndThirtyTwoOctets() {
        var table = HPACKDynamicTable(maxSize: 4096, tracksLookups: false)
        table.append(name: "a", value: "bc")
        #expect(table.size == 35)
        table.append(name: "é", value: "")
        #expect(table.size == 35 + 34)
        #expect(table.count == 2)
        #expect(table.entry(at: 1)?.name == "é")
        #expect(table.entry(at: 2)?.name == "a")
        #expect(table.entry(at: 0) == nil)
        #expect(table.entry(at: 3) == nil)
    }

    @Test func addingEvictsOldestFirst() {
        var table = HPACKDynamicTable(maxSize: 100, tracksLookups: true)
        table.append(name: "one", value: "1")  // 36
        table.append(name: "two", value: "2")  // 36
        #expect(table.size == 72)
        table.append(name: "three", value: "3")  // 38: evicts "one"
        #expect(table.entries.map(\.name) == ["three", "two"])
        #expect(table.size == 74)
        #expect(table.index(ofName: "one") == nil)
        #expect(table.index(ofName: "two", value: "2") == 2)
        #expect(table.index(ofName: "three") == 1)
    }

    @Test func anEntryLargerThanTheTableEmptiesIt() {
        var table = HPACKDynamicTable(maxSize: 64, tracksLookups: true)
        table.append(name: "k", value: "v")
        table.append(name: "big", value: String(repeating: "x", count: 40))
        #expect(table.count == 0)
        #expect(table.size == 0)
        #expect(table.index(ofName: "k") == nil)
        // An entry of exactly the maximum fits.
        table.append(name: "n", value: String(repeating: "y", count: 31))
        #expect(table.count == 1)
        #expect(table.size == 64)
    }

    @Test func loweringTheMaximumEvicts() {
        var table = HPACKDynamicTable(maxSize: 4096, tracksLookups: true)
        for number in 0..<10 {
            table.append(name: "name\(number)", value: "v")  // 38 each
        }
        table.setMaxSize(100)
        #expect(table.entries.map(\.name) == ["name9", "name8"])
        #expect(table.size == 76)
        table.setMaxSize(0)
        #expect(table.count == 0)
        #expect(table.size == 0)
        table.setMaxSize(4096)
        table.append(name: "again", value: "1")
        #expect(table.index(ofName: "again", value: "1") == 1)
        #expect(table.index(ofName: "name9") == nil)
    }

    @Test func lookupsFindTheNewestDuplicateAndSurviveCompaction() {
        var table = HPACKDynamicTable(maxSize: 40 * 50, tracksLookups: true)
        // Thousands of insertions through a 50-entry window exercise eviction and compaction of storage.
        for number in 0..<5000 {
            table.append(name: "n\(number % 7)", value: "v\(number % 3)")
            let entries = table.entries
            #expect(table.size == entries.reduce(0) { $0 + $1.size })
            #expect(table.size <= table.maxSize)
        }
        let entries = table.entries
        for name in (0..<7).map({ "n\($0)" }) {
            let expected = entries.firstIndex { $0.name == name }.map { $0 + 1 }
            #expect(table.index(ofName: name) == expected, "\(name)")
            for value in (0..<3).map({ "v\($0)" }) {
                let exact = entries.firstIndex { $0.name == name && $0.value == value }.map { $0 + 1 }
                #expect(table.index(ofName: name, value: value) == exact, "\(name): \(value)")
            }
        }
    }
}
