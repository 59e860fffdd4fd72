/// What the command line asks `nacos-bench` to do.
enum BenchmarkCommand {
    /// Print the usage text.
    case help
    /// Run the echo benchmark with these options.
    case echo(EchoOptions)
    /// Run the RPC benchmark with these options.
    case rpc(RpcOptions)
    /// Run the naming registration benchmark with these options.
    case register(RegisterOptions)
    /// Run the HTTP v1 registration benchmark with these options.
    case httpRegister(RegisterOptions)
    /// Run the naming push-latency benchmark with these options.
    case push(PushLatencyOptions)
    /// Run the cluster-mode (Distro) benchmark with these options.
    case distro(DistroOptions)
    /// Run the naming memory benchmark with these options.
    case memory(MemoryOptions)
    /// Run the memory benchmark's client process (started by `memory`, not by hand).
    case memoryClients(MemoryClientOptions)
    /// Run the persistent-registration benchmark (SQLite, PostgreSQL, ZooKeeper) with these options.
    case persistent(PersistentOptions)
    /// Run the restart (load 100k persistent instances) benchmark with these options.
    case restart(RestartOptions)
    /// Run the auth-off/auth-on registration benchmark with these options.
    case auth(AuthOptions)
    /// Run the ZooKeeper load generator process (started by `persistent`, not by hand).
    case zooKeeperLoad(ZooKeeperLoadOptions)
    /// Run the restart benchmark's loading process (started by `restart`, not by hand).
    case restartLoad(RestartLoadOptions)
}
