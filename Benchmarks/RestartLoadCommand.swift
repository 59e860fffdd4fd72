import Foundation
import NacosNaming
import NacosRemote
import NacosStore
import NacosTransport

/// The hidden `nacos-bench restart-load` child: in a fresh process, creates a `NamingRegistry` over the
/// store, times until `open()` returns, checks it holds the expected instances and prints
/// `result open-nanoseconds=<n> rss-before=<bytes> rss-after=<bytes> rss-trimmed=<bytes> instances=<n> services=<n>
/// store-open-nanoseconds=<n> records=<n> other-cpu=<percent>` (`store.open()` alone, timed again afterwards;
/// the CPU of other processes than this one and the store's server during the open, in percent of a core), or
/// `error <message>` before exiting with status 1.
struct RestartLoadCommand {
    /// What to open.
    let options: RestartLoadOptions

    /// Opens the store once and prints the result line.
    func run() async throws {
        do {
            let logger = NacosLogger(label: "nacos-bench", logLevel: .warning)
            let rssBefore = ProcessResources.residentBytes() ?? 0
            let cpuBefore = CPUUsageSample.now()
            let serverBefore = self.options.serverPid.map(ProcessCPUTicks.ofTree) ?? 0
            let start = MonotonicClock.nanoseconds()
            let store = self.options.backend == .sqlite
                ? BenchmarkStores.sqlite(path: self.options.path)
                : BenchmarkStores.postgres(url: self.options.url)
            let host = try DurableRegistry.make(store: store, logger: logger)
            let opened: Result<Void, any Error>
            do {
                try await host.registry.open()
                opened = .success(())
            } catch {
                opened = .failure(BenchmarkError("cannot open the \(store.kind) store: \(error)"))
            }
            let elapsed = MonotonicClock.nanoseconds() &- start
            let cpuAfter = CPUUsageSample.now()
            let serverTicks = (self.options.serverPid.map(ProcessCPUTicks.ofTree) ?? 0) - serverBefore
            let interval = cpuAfter.nanoseconds &- cpuBefore.nanoseconds
            let otherPercent = max(0, cpuAfter.otherProcessesPercent(since: cpuBefore) - ProcessCPUTicks.percent(serverTicks, over: interval))
            let rssAfter = ProcessResources.residentBytes() ?? 0
            ProcessResources.trimHeap()
            let rssTrimmed = ProcessResources.residentBytes() ?? 0
            let size = RegistrySize(of: host.registry)
            await host.close()
            try opened.get()
            // The store's part alone (reading every record), timed again on a second store object; the
            // file or server is warm by now.
            let again = self.options.backend == .sqlite
                ? BenchmarkStores.sqlite(path: self.options.path)
                : BenchmarkStores.postgres(url: self.options.url)
            let storeStart = MonotonicClock.nanoseconds()
            let snapshot: Result<Int, NacosStoreError>
            do {
                snapshot = .success(try await again.open().records.count)
            } catch {
                snapshot = .failure(error)
            }
            let storeElapsed = MonotonicClock.nanoseconds() &- storeStart
            await again.close()
            let records = try snapshot.get()
            guard size.instances == self.options.expectedInstances else {
                throw BenchmarkError("the registry holds \(size.instances) instances after open(), expected \(self.options.expectedInstances)")
            }
            Self.say(
                "result open-nanoseconds=\(elapsed) rss-before=\(rssBefore) rss-after=\(rssAfter) rss-trimmed=\(rssTrimmed) "
                    + "instances=\(size.instances) services=\(size.services) store-open-nanoseconds=\(storeElapsed) records=\(records) "
                    + String(format: "other-cpu=%.0f", otherPercent)
            )
        } catch {
            Self.say("error \(error)")
            throw error
        }
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
