/// One fresh registry opened over a filled store by `nacos-bench restart` (in its own process).
struct RestartRun: Sendable {
    /// Which start this was (1, 2, …).
    let number: Int
    /// Nanoseconds from creating the store and `NamingRegistry` to `open()` returning.
    let openNanoseconds: UInt64
    /// The process's RSS before, in bytes.
    let rssBefore: Int
    /// The process's RSS right after `open()`, in bytes.
    let rssAfter: Int
    /// The same after `malloc_trim(0)`, in bytes.
    let rssTrimmed: Int
    /// Instances the registry held.
    let instances: Int
    /// Services the registry held.
    let services: Int
    /// Nanoseconds of `store.open()` alone (reading every record), timed again after the registry's open.
    let storeOpenNanoseconds: UInt64
    /// CPU of other processes during the open, percent of one core (noise).
    let otherCPUPercent: Int
}
