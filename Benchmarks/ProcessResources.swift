import Foundation

/// Memory and file-descriptor figures of a process, read from /proc, and the Glibc calls that change them.
enum ProcessResources {
    /// The resident set size in bytes (`VmRSS` of /proc/<pid>/status; this process when `pid` is nil).
    static func residentBytes(of pid: Int32? = nil) -> Int? {
        self.statusKilobytes("VmRSS", of: pid).map { $0 * 1024 }
    }

    /// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the soft and hard limits in force afterwards.
    @discardableResult
    static func raiseFileDescriptorLimit() -> (soft: Int, hard: Int) {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (0, 0) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return (Int(clamping: limit.rlim_cur), Int(clamping: limit.rlim_max))
    }

    /// Hands freed heap pages back to the kernel with glibc's `malloc_trim(0)` (looked up at run time, as
    /// Glibc does not import it); returns whether it ran.
    @discardableResult
    static func trimHeap() -> Bool {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return false }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        return true
    }

    /// Mebibytes with one decimal: `87.3 MiB`.
    static func formatMebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    private static func statusKilobytes(_ field: String, of pid: Int32?) -> Int? {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            // "VmRSS:     12345 kB"
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }
}
