/// The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields whose size (name + value + 32 octets per
/// entry) never exceeds `maxSize`; adding an entry evicts the oldest ones until it fits.
///
/// The encoder's table also keeps dictionaries from fields and names to their newest entry, so that
/// finding a match costs a hash lookup instead of a scan; the decoder's table skips them.
internal struct HPACKDynamicTable: Sendable {
    /// The octets RFC 7541 §4.1 adds to every entry's name and value.
    static let entryOverhead = 32

    /// One stored field.
    struct Entry: Sendable, Equatable {
        var name: String
        var value: String
        /// `name` + `value` octets + 32.
        var size: Int
    }

    /// The sum of the entries' sizes.
    private(set) var size = 0
    /// The largest `size` allowed; changed by dynamic table size updates.
    private(set) var maxSize: Int

    /// Entries oldest first; the live ones start at `start` (evicted slots are dropped in batches).
    private var storage: [Entry] = []
    private var start = 0
    /// How many entries were ever evicted: the entry at `storage[start + k]` has id `evictedCount + k`.
    private var evictedCount = 0

    /// Whether `newestID(of:)` and `newestID(ofName:)` are kept up to date.
    private let tracksLookups: Bool
    private var idByField: [HPACKFieldKey: Int] = [:]
    private var idByName: [String: Int] = [:]

    /// Creates an empty table of at most `maxSize` octets; `tracksLookups` for an encoder's table.
    init(maxSize: Int, tracksLookups: Bool) {
        self.maxSize = maxSize
        self.tracksLookups = tracksLookups
    }

    /// The number of entries.
    var count: Int { self.storage.count - self.start }

    /// The entry at dynamic index `index` (1 is the newest), or nil past the oldest.
    func entry(at index: Int) -> Entry? {
        guard index >= 1 && index <= self.count else { return nil }
        return self.storage[self.storage.count - index]
    }

    /// The entries newest first, as RFC 7541 Appendix C lists them.
    var entries: [Entry] { self.storage[self.start...].reversed() }

    /// Adds a field as the newest entry, evicting old entries to make room (§4.4). A field larger than
    /// `maxSize` empties the table and is not added.
    mutating func append(name: String, value: String) {
        let entrySize = name.utf8.count + value.utf8.count + Self.entryOverhead
        guard entrySize <= self.maxSize else {
            self.evict(downTo: 0)
            return
        }
        self.evict(downTo: self.maxSize - entrySize)
        if self.tracksLookups {
            let id = self.evictedCount + self.count
            self.idByField[HPACKFieldKey(name: name, value: value)] = id
            self.idByName[name] = id
        }
        self.storage.append(Entry(name: name, value: value, size: entrySize))
        self.size += entrySize
    }

    /// Changes the maximum size, evicting the oldest entries until the table fits (§4.3).
    mutating func setMaxSize(_ newMaxSize: Int) {
        self.maxSize = newMaxSize
        self.evict(downTo: newMaxSize)
    }

    /// The dynamic index of the newest entry holding exactly `name` and `value`, if any.
    func index(ofName name: String, value: String) -> Int? {
        self.idByField[HPACKFieldKey(name: name, value: value)].map(self.index(ofID:))
    }

    /// The dynamic index of the newest entry named `name`, if any.
    func index(ofName name: String) -> Int? {
        self.idByName[name].map(self.index(ofID:))
    }

    private func index(ofID id: Int) -> Int {
        self.evictedCount + self.count - id
    }

    /// Drops the oldest entries until `size <= limit`.
    private mutating func evict(downTo limit: Int) {
        while self.size > limit, self.start < self.storage.count {
            let oldest = self.storage[self.start]
            if self.tracksLookups {
                // The dictionaries point at the newest entry for a key; an older duplicate was evicted earlier.
                let id = self.evictedCount
                let key = HPACKFieldKey(name: oldest.name, value: oldest.value)
                if self.idByField[key] == id { self.idByField[key] = nil }
                if self.idByName[oldest.name] == id { self.idByName[oldest.name] = nil }
            }
            self.size -= oldest.size
            self.start += 1
            self.evictedCount += 1
        }
        if self.start == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.start = 0
        } else if self.start >= 32 && self.start * 2 >= self.storage.count {
            self.storage.removeFirst(self.start)
            self.start = 0
        }
    }
}
