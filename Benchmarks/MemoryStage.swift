/// One reading of the memory benchmark: the server process's resident set size after a step.
struct MemoryStage: Sendable {
    /// The step: `started`, `connected`, `registered`, `subscribed`.
    let name: String
    /// What the step added, e.g. `10,000 connections`, or `-` for the first reading.
    let added: String
    /// How many things the step added (the divisor of the per-item figure), 0 for none.
    let count: Int
    /// `VmRSS` of this process after the step.
    let residentBytes: Int
    /// `VmRSS` of this process after `malloc_trim(0)` handed freed heap pages back.
    let trimmedResidentBytes: Int
    /// `VmRSS` of the client process, when the clients run in one.
    let clientResidentBytes: Int?
    /// What the registry held.
    let size: RegistrySize
}
