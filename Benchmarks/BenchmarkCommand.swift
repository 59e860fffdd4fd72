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
}
