/// What the command line asks `nacos-bench` to do.
enum BenchmarkCommand {
    /// Print the usage text.
    case help
    /// Run the echo benchmark with these options.
    case echo(EchoOptions)
    /// Run the RPC benchmark with these options.
    case rpc(RpcOptions)
}
