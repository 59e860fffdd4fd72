import NacosTransport

/// Runs a task's jobs on an event loop, so that a responder that never blocks answers on the loop that
/// owns its connection without a hop through the global executor and back.
internal final class HTTPEventLoopExecutor: TaskExecutor {
    /// The loop the jobs run on.
    let eventLoop: NacosEventLoop

    init(eventLoop: NacosEventLoop) {
        self.eventLoop = eventLoop
    }

    /// Queues `job` on the loop.
    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        self.eventLoop.execute {
            unownedJob.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
